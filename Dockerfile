# Production image for qianfu (黔服).
# Build: docker build -t qianfu .   Run: docker run -p 8000:8000 -v qianfu-data:/var/lib/qianfu qianfu
# tests/test_deploy.py replays the install (RUN pip install …) and start (CMD) lines below in a
# fresh virtual environment as an unprivileged user, since these machines have no Docker engine.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QIANFU_DATA_DIR=/var/lib/qianfu

RUN groupadd --system --gid 10001 qianfu \
    && useradd --system --uid 10001 --gid qianfu --home-dir /var/lib/qianfu --create-home \
       --shell /usr/sbin/nologin qianfu

WORKDIR /opt/qianfu/src
COPY pyproject.toml README.md ./
COPY app ./app
COPY seed ./seed
COPY static ./static
RUN pip install --no-cache-dir .

WORKDIR /var/lib/qianfu
USER 10001:10001
VOLUME ["/var/lib/qianfu"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/healthz', timeout=3)"]
CMD ["qianfu", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
