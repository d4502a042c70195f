/// The dashboard's style sheet and its one script, served from memory (no CDN: the commune LAN may have no
/// internet). The script only keeps the overview live: it listens to `/ui/events` (Server-Sent Events) and puts
/// each `overview` event's HTML (rendered by the server from the same template) in place.
enum DashboardAssets {
    static let css = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.4 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.5rem 1rem;background:#8b1a1a;color:#fff}
        header a{color:#fff}nav{display:flex;gap:.75rem;flex-wrap:wrap}nav a.here{font-weight:bold;text-decoration:none}
        .inline{display:inline-flex;gap:.5rem;align-items:center;margin:0}.who{font-size:.9rem}
        main{padding:1rem;max-width:70rem;margin:auto}h1{margin:.2rem 0 1rem;font-size:1.4rem}
        .zones{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:1rem}
        .zone,.alerts,.login{background:#fff;border-radius:.5rem;padding:1rem;box-shadow:0 1px 2px #0002}
        .zone h2{margin:0 0 .5rem;font-size:1.15rem}.zone.has-down{border-left:.4rem solid #c62828}
        dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0}dt{color:#555}dd{margin:0}
        .ok{color:#1b5e20;font-weight:bold}.bad,.down{color:#c62828;font-weight:bold}.box{margin:.4rem 0 0}
        .alerts{margin-top:1rem}.alerts ul{padding-left:1.2rem}.error{color:#c62828;font-weight:bold}
        .login{display:grid;gap:.75rem;max-width:22rem}.login input,.login textarea{display:block;width:100%;padding:.5rem;font-size:1rem}
        .login input[type=checkbox]{display:inline;width:auto}fieldset{border:1px solid #ccc;border-radius:.3rem}
        button{padding:.5rem 1rem;font-size:1rem}.live{color:#555;font-size:.85rem}
        """

    static let script = """
        "use strict";
        (function () {
          var target = document.getElementById("overview");
          if (!target || !window.EventSource) return;
          var live = document.getElementById("live");
          var events = new EventSource(target.getAttribute("data-events"));
          events.addEventListener("overview", function (event) {
            target.innerHTML = event.data;
            if (live) live.className = "live ok";
          });
          events.addEventListener("logout", function () { window.location.href = "/ui/login"; });
          events.onerror = function () { if (live) live.className = "live bad"; };
        })();
        """
}
