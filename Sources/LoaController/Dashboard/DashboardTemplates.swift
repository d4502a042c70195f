/// The dashboard's templates (Mustache, rendered on the server; compiled in, so the controller needs no file
/// beside it). `layout` is the page every other one fills (`{{<layout}}{{$main}}…{{/main}}{{/layout}}`);
/// `overviewBody` is both part of the overview page and what `/ui/events` sends when it changes.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "overview": overview, "overviewBody": overviewBody,
        "broadcast": broadcast, "devices": devices, "log": log,
    ]

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$heading}}{{/heading}} · Loa</title>
        <link rel="stylesheet" href="/ui/app.css">
        </head>
        <body>
        <header>
        <strong>Loa</strong>
        {{#account}}
        <nav>
        <a href="/ui" class="{{#onOverview}}here{{/onOverview}}">{{t.overview}}</a>
        <a href="/ui/phat-thanh" class="{{#onBroadcast}}here{{/onBroadcast}}">{{t.broadcast}}</a>
        <a href="/ui/thiet-bi" class="{{#onDevices}}here{{/onDevices}}">{{t.devices}}</a>
        <a href="/ui/nhat-ky" class="{{#onLog}}here{{/onLog}}">{{t.logs}}</a>
        </nav>
        <form method="post" action="/ui/logout" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{t.signedInAs}} {{account}}</span>
        <button type="submit" id="logout">{{t.logout}}</button>
        </form>
        {{/account}}
        <a href="/ui/language?lang={{otherLang}}" id="language" lang="{{otherLang}}">{{t.language}}</a>
        </header>
        <main>
        <h1>{{$heading}}{{/heading}}</h1>
        {{$main}}{{/main}}
        </main>
        <script src="/ui/app.js"></script>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}
        {{$heading}}{{t.login}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/ui/login" class="login">
        <label>{{t.name}} <input name="name" id="name" autocomplete="username" required maxlength="64"></label>
        <label>{{t.password}} <input name="password" id="password" type="password" autocomplete="current-password" required maxlength="256"></label>
        <button type="submit" id="submit">{{t.login}}</button>
        </form>
        {{/main}}
        {{/layout}}
        """

    static let overview = """
        {{<layout}}
        {{$heading}}{{t.overview}}{{/heading}}
        {{$main}}
        <p class="live" id="live">{{t.live}}</p>
        <div id="overview" data-events="/ui/events">{{>overviewBody}}</div>
        {{/main}}
        {{/layout}}
        """

    static let overviewBody = """
        <section class="zones">
        {{#zones}}
        <article class="zone {{#down}}has-down{{/down}}" id="zone-{{name}}">
        <h2>{{name}}</h2>
        <dl>
        <dt>{{t.nowPlaying}}</dt><dd class="playing">{{#playing}}{{.}}{{/playing}}{{^playing}}{{t.nothing}}{{/playing}}</dd>
        <dt>{{t.next}}</dt><dd class="next">{{#next}}{{.}}{{/next}}{{^next}}{{t.nothing}}{{/next}}</dd>
        <dt>{{t.boxesOnline}}</dt><dd class="count {{#allOnline}}ok{{/allOnline}}{{^allOnline}}bad{{/allOnline}}">{{online}}/{{total}}</dd>
        </dl>
        {{#boxes}}
        <p class="box {{css}}" id="box-{{name}}">{{name}}: {{state}}</p>
        {{/boxes}}
        </article>
        {{/zones}}
        </section>
        <section class="alerts">
        <h2>{{t.alerts}}</h2>
        {{^alerts}}<p>{{t.noAlerts}}</p>{{/alerts}}
        <ul>
        {{#alerts}}<li class="{{css}}">{{at}} · {{receiver}} · {{detail}}</li>{{/alerts}}
        </ul>
        </section>
        """

    static let broadcast = """
        {{<layout}}
        {{$heading}}{{t.broadcast}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        {{#queued}}<p class="ok" id="queued">{{t.queued}} {{queued}}</p>{{/queued}}
        <form method="post" action="/ui/phat-thanh" class="login" id="say">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.textToRead}} <textarea name="text" id="text" rows="5" required maxlength="32000"></textarea></label>
        <label>{{t.titleField}} <input name="title" id="title" maxlength="200"></label>
        <fieldset><legend>{{t.zone}}</legend>
        {{#zoneNames}}<label><input type="checkbox" name="zones[]" value="{{.}}" checked> {{.}}</label> {{/zoneNames}}
        </fieldset>
        <label>{{t.priorityField}} <select name="priority" id="priority">
        <option value="normal">{{t.normal}}</option><option value="priority">{{t.priority}}</option>
        </select></label>
        <p class="live">{{t.emergencyNote}}</p>
        <label><input type="checkbox" name="now" value="1" id="now"> {{t.playNow}}</label>
        <button type="submit" id="send">{{t.send}}</button>
        </form>
        <section class="alerts">
        <h2>{{t.queue}}</h2>
        {{#emptyQueue}}<p>{{t.nothing}}</p>{{/emptyQueue}}
        <ul>
        {{#queue}}
        <li id="item-{{id}}">{{at}} · {{zone}} · {{title}} · {{priority}}{{#playing}} · <strong>{{t.nowPlaying}}</strong>{{/playing}}
        <form method="post" action="/ui/phat-thanh/huy" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" class="cancel">{{t.cancel}}</button>
        </form></li>
        {{/queue}}
        </ul>
        </section>
        {{/main}}
        {{/layout}}
        """

    static let devices = """
        {{<layout}}
        {{$heading}}{{t.devices}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        {{#noDevices}}<p>{{t.nothing}}</p>{{/noDevices}}
        <section class="zones">
        {{#devices}}
        <article class="zone" id="device-{{id}}">
        <h2>{{name}}</h2>
        <dl>
        <dt>{{t.state}}</dt><dd class="state {{css}}">{{state}}</dd>
        <dt>{{t.zone}}</dt><dd>{{zone}}</dd>
        <dt>{{t.lastHeard}}</dt><dd>{{lastHeard}}</dd>
        <dt>{{t.loss}}</dt><dd>{{loss}}</dd>
        <dt>{{t.sync}}</dt><dd>{{sync}}</dd>
        <dt>{{t.volume}}</dt><dd>{{volume}}</dd>
        </dl>
        <form method="post" action="/ui/thiet-bi" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        {{#pending}}<button type="submit" name="action" value="approve" id="approve-{{id}}">{{t.approve}}</button>{{/pending}}
        {{#approved}}
        {{^muted}}<button type="submit" name="action" value="mute" id="mute-{{id}}">{{t.mute}}</button>{{/muted}}
        {{#muted}}<button type="submit" name="action" value="unmute" id="unmute-{{id}}">{{t.unmute}}</button>{{/muted}}
        <button type="submit" name="action" value="test-tone" id="tone-{{id}}">{{t.testTone}}</button>
        {{/approved}}
        </form>
        </article>
        {{/devices}}
        </section>
        {{/main}}
        {{/layout}}
        """

    static let log = """
        {{<layout}}
        {{$heading}}{{t.logs}}{{/heading}}
        {{$main}}
        <form method="get" action="/ui/nhat-ky" class="inline">
        <label>{{t.day}} <input type="date" name="date" id="date" value="{{date}}"></label>
        <button type="submit">{{t.show}}</button>
        <a href="/ui/nhat-ky.csv?date={{date}}" id="csv">CSV</a>
        </form>
        <section class="alerts">
        {{#noRows}}<p>{{t.nothing}}</p>{{/noRows}}
        <ul id="log">
        {{#rows}}<li>{{time}} · {{zone}} · {{title}} · {{priority}} · {{outcome}}</li>{{/rows}}
        </ul>
        </section>
        <section class="alerts">
        <h2>{{t.report}} {{month}}</h2>
        <ul id="report">
        {{#report}}<li>{{zone}} · {{priority}} · {{items}} · {{minutes}} {{t.minutes}}</li>{{/report}}
        </ul>
        </section>
        {{/main}}
        {{/layout}}
        """
}
