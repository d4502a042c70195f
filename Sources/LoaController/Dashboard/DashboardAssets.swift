/// The dashboard's style sheet and its one script, served from memory (no CDN: the commune LAN may have no
/// internet). The script keeps the overview live (it listens to `/ui/events`, Server-Sent Events, and puts each
/// `overview` event's HTML, rendered by the server from the same template, in place); sends a form's file (Phát
/// thanh's sound file, Thiết bị's map image) as the body of one request with its progress; and signs Khẩn cấp's
/// commands.
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
        nav a.urgent{background:#fff;color:#8b1a1a;border-radius:.3rem;padding:0 .4rem}
        button.danger{background:#c62828;color:#fff;border:0;border-radius:.3rem;font-weight:bold;margin-top:.75rem;width:100%}
        .acts{display:flex;margin-top:.5rem;flex-wrap:wrap}.acts input,.acts select{padding:.4rem;font-size:1rem;width:8rem}
        .acts button{padding:.4rem .7rem}.devices{grid-template-columns:repeat(auto-fill,minmax(min(100%,21rem),1fr))}
        button.quiet{background:none;border:1px solid #c62828;color:#c62828;border-radius:.3rem}
        .split{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:1rem;align-items:start}
        .split .alerts{margin-top:0}.split .login{max-width:none}.presets{margin-top:1rem}
        .scroll{overflow-x:auto;margin-bottom:1rem}.grid{border-collapse:collapse;background:#fff;width:100%}
        .grid th,.grid td{border:1px solid #ddd;padding:.35rem .5rem;vertical-align:top;text-align:left;font-size:.9rem}
        .grid tr.today th{background:#fdecea}.report tfoot th{text-align:left}
        @media print{header,.noprint,script{display:none}body{background:#fff}main{max-width:none;padding:0}}
        .map svg{width:100%;max-width:40rem;height:auto;display:block}.map .ground{fill:#eef3e8}.pin circle{stroke:#fff;stroke-width:2}
        .pin.ok circle{fill:#1b5e20}.pin.down circle{fill:#c62828}.pin.other circle{fill:#9e9e9e}
        .pin text,.scale{font-size:13px;text-anchor:middle;fill:#1a1a1a}.scale{text-anchor:start}.weeks{gap:1rem;margin-bottom:.5rem}.confirm{border-left:.4rem solid #8b1a1a}#signing input[type=file]{font-size:.9rem}
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
        (function () {
          var print = document.getElementById("print");
          if (print) print.addEventListener("click", function () { window.print(); });
        })();
        // A form with data-upload (Phát thanh's sound file, Thiết bị's map image): a chosen file goes as the body
        // of one request to that address (streamed by the browser, size checked first), the form's other fields
        // in the query; the answer (201) is the page to show next, else the controller's line.
        document.querySelectorAll("form[data-upload]").forEach(function (form) {
          var file = form.querySelector("input[type=file]");
          var shown = document.getElementById(form.dataset.errors);
          var progress = form.querySelector(".progress");
          var send = form.querySelector("button[type=submit]");
          if (!file || !shown) return;
          function fail(text) {
            shown.textContent = text;
            shown.hidden = false;
            if (progress) progress.hidden = true;
            send.disabled = false;
          }
          form.addEventListener("submit", function (event) {
            var chosen = file.files && file.files[0];
            if (!chosen) return;
            event.preventDefault();
            shown.hidden = true;
            if (chosen.size > Number(form.dataset.maxBytes)) { fail(form.dataset.tooLarge); return; }
            var fields = new URLSearchParams();
            new FormData(form).forEach(function (value, name) {
              if (name !== file.name && name !== "text") fields.append(name, value);
            });
            var request = new XMLHttpRequest();
            request.open("POST", form.dataset.upload + "?" + fields.toString());
            request.setRequestHeader("Content-Type", "application/octet-stream");
            request.upload.onprogress = function (e) {
              if (!e.lengthComputable || !progress) return;
              progress.textContent = form.dataset.uploading + " " + Math.floor(100 * e.loaded / e.total) + " %";
              progress.hidden = false;
            };
            request.onload = function () {
              if (request.status === 201) { window.location.href = request.responseText; return; }
              var message = "";
              try { message = JSON.parse(request.responseText).error; } catch (e) { message = ""; }
              fail(message || form.dataset.failed);
            };
            request.onerror = function () { fail(form.dataset.failed); };
            send.disabled = true;
            request.send(chosen);
          });
        });
        (function () {
          // Khẩn cấp: signs an EmergencyCommand (LoaWire) with the chosen key files (base64 of a libsodium secret
          // key: seed, then public key) through WebCrypto Ed25519, and posts only the signed command.
          var signing = document.getElementById("signing");
          var form = document.getElementById("emergency-form");
          if (!signing || !form) return;
          var loadedAt = performance.now();
          var shown = document.getElementById("sign-error");
          var buttons = document.querySelectorAll("button.sign");
          function bytesOf(text) {
            var raw = atob(text);
            var out = [];
            for (var i = 0; i < raw.length; i++) out.push(raw.charCodeAt(i));
            return out;
          }
          function base64Of(bytes) {
            var raw = "";
            for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
            return btoa(raw);
          }
          function hex(text) {
            var out = [];
            for (var i = 0; i + 1 < text.length; i += 2) out.push(parseInt(text.substr(i, 2), 16));
            return out;
          }
          function u32(n) { return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]; }
          function u64(n) { return u32(Math.floor(n / 4294967296)).concat(u32(n % 4294967296)); }
          function readText(file) {
            return new Promise(function (resolve, reject) {
              var reader = new FileReader();
              reader.onload = function () { resolve(String(reader.result)); };
              reader.onerror = function () { reject(new Error(signing.dataset.notKey)); };
              reader.readAsText(file);
            });
          }
          async function secrets() {
            var found = [];
            for (var input of document.querySelectorAll("input.key")) {
              if (!input.files || !input.files[0]) continue;
              var key;
              try { key = bytesOf((await readText(input.files[0])).trim()); } catch (e) { key = []; }
              if (key.length === 32) throw new Error(signing.dataset.publicKey);
              if (key.length !== 64) throw new Error(signing.dataset.notKey);
              found.push(key);
            }
            return found;
          }
          async function sign(button) {
            if (!window.crypto || !crypto.subtle) throw new Error(signing.dataset.noCrypto);
            var keys = await secrets();
            var start = button.dataset.action === "start";
            if (keys.length === 0 || (start && keys.length < Number(signing.dataset.signatures))) {
              throw new Error(signing.dataset.noKey);
            }
            var issued = Math.floor(Number(signing.dataset.now) + performance.now() - loadedAt);
            var zones = button.dataset.zones.split(",");
            var bytes = [76, 79, 65, 69, 2].concat(
              u32(parseInt(signing.dataset.commune, 16)), [start ? 1 : 2], u64(issued), u64(issued + 120000),
              Array.from(crypto.getRandomValues(new Uint8Array(16))), hex(button.dataset.sha256), u64(0),
              [zones.length]);
            zones.forEach(function (zone) {
              var utf8 = Array.from(new TextEncoder().encode(zone)).slice(0, 255);
              bytes = bytes.concat([utf8.length], utf8);
            });
            var signed = new Uint8Array(bytes);
            var tail = [keys.length];
            for (var key of keys) {
              var pkcs8 = new Uint8Array([48, 46, 2, 1, 0, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32].concat(key.slice(0, 32)));
              var secret = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
              var signature = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, secret, signed));
              tail = tail.concat(key.slice(32), Array.from(signature));
            }
            return base64Of(bytes.concat(tail));
          }
          buttons.forEach(function (button) {
            button.addEventListener("click", function () {
              shown.hidden = true;
              buttons.forEach(function (b) { b.disabled = true; });
              sign(button).then(function (command) {
                document.getElementById("form-action").value = button.dataset.action;
                document.getElementById("form-preset").value = button.dataset.preset || "";
                document.getElementById("form-command").value = command;
                form.submit();
              }, function (error) {
                shown.textContent = error.message;
                shown.hidden = false;
                buttons.forEach(function (b) { b.disabled = false; });
              });
            });
          });
        })();
        """
}
