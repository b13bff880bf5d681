/* 附近办理点: progressive enhancement. Adds "使用我的位置" when the browser can locate.
 * The position (WGS-84) goes only into this one page request and is then taken out of the
 * address (so the browser's history does not keep it); nothing is stored. Without
 * this script the page works by choosing a county and township. */
(function () {
  "use strict";

  // The position is in this page's address only so that the server can answer it. Keep it
  // out of the browser's history (个人信息保护法: no more than needed); the form below still
  // carries it for changing the filters, and a reload asks for the county instead.
  function forgetPosition() {
    if (!window.history || !window.history.replaceState || !window.URLSearchParams) {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    if (!params.has("lat") && !params.has("lng")) {
      return;
    }
    ["lat", "lng", "coordtype"].forEach(function (name) {
      params.delete(name);
    });
    var rest = params.toString();
    window.history.replaceState(
      null,
      "",
      window.location.pathname + (rest ? "?" + rest : "") + window.location.hash
    );
  }

  function start() {
    forgetPosition();
    var form = document.getElementById("nearby-form");
    var button = document.getElementById("use-location");
    var status = document.getElementById("locate-status");
    if (!form || !button || !status || !("geolocation" in navigator)) {
      return;
    }
    var holder = button.closest(".js-only");
    if (holder) {
      holder.hidden = false;
    }

    function say(text) {
      status.textContent = text;
    }

    function filterParams() {
      var params = new URLSearchParams();
      ["type", "radius_m", "limit", "service"].forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value) {
          params.set(name, field.value);
        }
      });
      ["inclusive", "open_now"].forEach(function (name) {
        var box = form.elements.namedItem(name);
        if (box && box.checked) {
          params.set(name, "true");
        }
      });
      return params;
    }

    button.addEventListener("click", function () {
      button.disabled = true;
      say("正在获取您的位置……");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var params = filterParams();
          // About 1 m of precision is plenty for "which office is nearest".
          params.set("lat", position.coords.latitude.toFixed(5));
          params.set("lng", position.coords.longitude.toFixed(5));
          params.set("coordtype", "wgs84");
          say("已获取位置，正在查找……");
          window.location.assign("/nearby?" + params.toString());
        },
        function (error) {
          button.disabled = false;
          if (error.code === error.PERMISSION_DENIED) {
            say("没有获得定位权限。请在上面选择县(市、区)和乡镇/街道。");
          } else {
            say("暂时无法获取位置。请在上面选择县(市、区)和乡镇/街道。");
          }
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
