"""Server-rendered HTML: template environment, visitor preferences and page context."""
