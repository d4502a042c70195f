/// The dashboard's templates (Mustache, rendered on the server; compiled in, so the controller needs no file
/// beside it). `layout` is the page every other one fills (`{{<layout}}{{$main}}…{{/main}}{{/layout}}`);
/// `overviewBody` is both part of the overview page and what `/ui/events` sends when it changes.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "overview": overview, "overviewBody": overviewBody,
        "broadcast": broadcast, "devices": devices, "log": log, "emergency": emergency, "schedule": schedule,
        "report": report,
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
        <a href="/ui/lich" class="{{#onSchedule}}here{{/onSchedule}}">{{t.schedule}}</a>
        <a href="/ui/thiet-bi" class="{{#onDevices}}here{{/onDevices}}">{{t.devices}}</a>
        <a href="/ui/nhat-ky" class="{{#onLog}}here{{/onLog}}">{{t.logs}}</a>
        <a href="/ui/khan-cap" class="{{#onEmergency}}here{{/onEmergency}} urgent">{{t.emergencyPage}}</a>
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
        <p class="error" id="upload-error" role="alert" hidden></p>
        <div class="split">
        <form method="post" action="/ui/phat-thanh" class="login" id="say" data-upload="/ui/phat-thanh/tep" data-errors="upload-error" data-max-bytes="{{maxBytes}}" data-too-large="{{t.fileTooLarge}} {{maxMiB}} MiB." data-uploading="{{t.uploading}}" data-failed="{{t.uploadFailed}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.textToRead}} <textarea name="text" id="text" rows="5" maxlength="32000"></textarea></label>
        <label>{{t.orFile}} <input type="file" name="file" id="file" accept="audio/*,.mp3,.wav,.m4a,.aac,.ogg,.opus,.flac"></label>
        <label>{{t.orLibrary}} <select name="library" id="library"><option value="">—</option>
        {{#library}}<option value="{{name}}">{{name}} · {{title}}</option>{{/library}}</select></label>
        <label>{{t.titleField}} <input name="title" id="title" maxlength="200"></label>
        <fieldset><legend>{{t.zone}}</legend>
        {{#zoneNames}}<label><input type="checkbox" name="zones[]" value="{{.}}" checked> {{.}}</label> {{/zoneNames}}
        </fieldset>
        <label>{{t.priorityField}} <select name="priority" id="priority">
        <option value="normal">{{t.normal}}</option><option value="priority">{{t.priority}}</option>
        </select></label>
        <p class="live">{{t.emergencyNote}}</p>
        <label><input type="checkbox" name="now" value="1" id="now"> {{t.playNow}}</label>
        <fieldset><legend>{{t.whenField}}</legend>
        <label>{{t.atField}} <input type="datetime-local" name="at" id="at"></label>
        <label>{{t.repeatsField}} <input type="number" name="repeats" id="repeats" min="1" max="48" value="1"></label>
        <label>{{t.everyField}} <select name="every" id="every">
        <option value="15">15 {{t.minutes}}</option><option value="30">30 {{t.minutes}}</option>
        <option value="60" selected>1 {{t.hour}}</option><option value="120">2 {{t.hours}}</option>
        <option value="1440">1 {{t.oneDay}}</option>
        </select></label>
        </fieldset>
        <p class="live progress" id="progress" role="status" hidden></p>
        <button type="submit" id="send">{{t.send}}</button>
        </form>
        <section class="alerts">
        {{#hasHeld}}<h2>{{t.heldTitle}}</h2>
        <ul id="held">
        {{#held}}<li id="held-{{id}}">{{at}} · {{zones}} · {{title}} · {{t.heldBy}} {{by}}
        {{#mayRelease}}<form method="post" action="/ui/phat-thanh/duyet" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" id="release-{{id}}">{{t.release}}</button></form>{{/mayRelease}}
        <form method="post" action="/ui/phat-thanh/huy" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" class="cancel">{{t.cancel}}</button></form></li>
        {{/held}}
        </ul>{{/hasHeld}}
        <h2>{{t.queue}}</h2>
        {{#emptyQueue}}<p>{{t.nothing}}</p>{{/emptyQueue}}
        <ul>
        {{#queue}}
        <li id="item-{{id}}">{{#playing}}<strong>{{at}}</strong>{{/playing}}{{^playing}}{{at}}{{/playing}} · {{zone}} · {{title}} · {{priority}}
        <form method="post" action="/ui/phat-thanh/huy" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" class="cancel">{{t.cancel}}</button>
        </form></li>
        {{/queue}}
        </ul>
        </section>
        </div>
        {{/main}}
        {{/layout}}
        """

    static let devices = """
        {{<layout}}
        {{$heading}}{{t.devices}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        {{#noDevices}}<p>{{t.nothing}}</p>{{/noDevices}}
        <section class="alerts map">
        <h2>{{t.map}}</h2>
        {{^hasMap}}<p>{{t.noMap}}</p>{{/hasMap}}
        {{#hasMap}}<svg viewBox="0 0 640 360" id="map" role="img" aria-label="{{t.map}}">
        <rect width="640" height="360" class="ground"/>
        {{#hasImage}}<image href="/ui/ban-do?v={{imageVersion}}" x="0" y="0" width="640" height="360" preserveAspectRatio="none"/>{{/hasImage}}
        {{#pins}}<g id="pin-{{id}}" class="pin {{css}}"><circle cx="{{x}}" cy="{{y}}" r="9"><title>{{name}}</title></circle><text x="{{x}}" y="{{labelY}}">{{name}}</text></g>
        {{/pins}}<text x="8" y="352" class="scale">↔ {{scale}}</text></svg>{{/hasMap}}
        <p class="error" id="map-error" role="alert" hidden></p>
        <form method="post" action="/ui/thiet-bi" class="inline acts" id="map-form" data-upload="/ui/thiet-bi/ban-do" data-errors="map-error" data-max-bytes="{{mapMaxBytes}}" data-too-large="{{t.mapTooLarge}}" data-uploading="{{t.uploading}}" data-failed="{{t.uploadFailed}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label>{{t.mapImage}} <input type="file" name="image" id="map-image" accept="image/png,image/jpeg" required></label>
        <input name="topLeft" id="map-top-left" placeholder="21.04000, 105.84000" aria-label="{{t.mapTopLeft}}" title="{{t.mapTopLeft}}" required>
        <input name="bottomRight" id="map-bottom-right" placeholder="21.02000, 105.87000" aria-label="{{t.mapBottomRight}}" title="{{t.mapBottomRight}}" required>
        <button type="submit" id="map-upload">{{t.mapUpload}}</button>
        <span class="live progress" hidden></span>
        </form>
        </section>
        <section class="zones devices">
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
        <dt>{{t.soundCard}}</dt><dd class="card {{soundCardCss}}">{{soundCard}}</dd>
        </dl>
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        {{#pending}}<button type="submit" name="action" value="approve" id="approve-{{id}}">{{t.approve}}</button>
        <button type="submit" name="action" value="reject" id="reject-{{id}}">{{t.reject}}</button>{{/pending}}
        {{#approved}}
        {{^muted}}<button type="submit" name="action" value="mute" id="mute-{{id}}">{{t.mute}}</button>{{/muted}}
        {{#muted}}<button type="submit" name="action" value="unmute" id="unmute-{{id}}">{{t.unmute}}</button>{{/muted}}
        <button type="submit" name="action" value="test-tone" id="tone-{{id}}">{{t.testTone}}</button>
        {{/approved}}
        </form>
        {{#approved}}
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <select name="zone" id="zone-{{id}}" aria-label="{{t.zone}}">{{#zones}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/zones}}</select>
        <button type="submit" name="action" value="move" id="move-{{id}}">{{t.moveTo}}</button>
        </form>
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input type="number" name="volume" id="volume-{{id}}" min="0" max="100" value="{{volumeValue}}" aria-label="{{t.volume}}">
        <button type="submit" name="action" value="volume" id="set-volume-{{id}}">{{t.setVolume}}</button>
        </form>
        {{/approved}}
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input name="name" id="name-{{id}}" value="{{name}}" maxlength="64" required aria-label="{{t.name}}">
        <button type="submit" name="action" value="rename" id="rename-{{id}}">{{t.rename}}</button>
        </form>
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <input name="position" id="position-{{id}}" value="{{position}}" placeholder="21.02850, 105.85420" aria-label="{{t.position}}">
        <button type="submit" name="action" value="place" id="place-{{id}}">{{t.place}}</button>
        </form>
        <form method="post" action="/ui/thiet-bi" class="inline acts">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" name="action" value="remove" id="remove-{{id}}" class="quiet">{{t.removeBox}}</button>
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
        <label>{{t.zone}} <select name="zone" id="zone"><option value="">{{t.allZones}}</option>
        {{#zoneChoices}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/zoneChoices}}</select></label>
        <button type="submit" id="show">{{t.show}}</button>
        <a href="/ui/nhat-ky.csv?date={{date}}&amp;zone={{zone}}" id="csv">CSV</a>
        </form>
        <section class="alerts">
        {{#noRows}}<p>{{t.nothing}}</p>{{/noRows}}
        <ul id="log">
        {{#rows}}<li>{{time}} · {{zone}} · {{title}} · {{priority}} · {{outcome}}</li>{{/rows}}
        </ul>
        </section>
        <section class="alerts">
        <h2>{{t.report}} {{month}} · <a href="/ui/bao-cao?month={{month}}" id="printable">{{t.printable}}</a></h2>
        <ul id="report">
        {{#report}}<li>{{zone}} · {{priority}} · {{items}} · {{minutes}} {{t.minutes}}</li>{{/report}}
        </ul>
        </section>
        {{/main}}
        {{/layout}}
        """

    static let emergency = """
        {{<layout}}
        {{$heading}}{{t.emergencyPage}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        {{#started}}<p class="ok" id="started" role="status">{{t.emergencyStarted}} {{started}}</p>{{/started}}
        {{#stopped}}<p class="ok" id="stopped" role="status">{{t.emergencyStopped}} {{stopped}}</p>{{/stopped}}
        <p class="error" id="sign-error" role="alert" hidden></p>
        <section class="login" id="signing" data-commune="{{commune}}" data-now="{{now}}" data-signatures="{{signatures}}" data-no-key="{{t.keyMissing}}" data-public-key="{{t.keyIsPublic}}" data-not-key="{{t.keyUnreadable}}" data-no-crypto="{{t.needsHTTPS}}">
        <p>{{t.keyNote}}</p>
        {{#keyInputs}}<label>{{t.keyFile}} {{.}} <input type="file" id="key-{{.}}" class="key" accept=".key"></label>{{/keyInputs}}
        </section>
        {{#noPresets}}<p class="alerts">{{t.noPresets}}</p>{{/noPresets}}
        <section class="zones presets">
        {{#presets}}
        <article class="zone" id="preset-{{name}}">
        <h2>{{title}}</h2>
        <dl><dt>{{t.presetName}}</dt><dd>{{name}}</dd><dt>{{t.zone}}</dt><dd>{{zonesText}}</dd></dl>
        {{#readable}}<button type="button" class="sign danger" id="start-{{name}}" data-action="start" data-preset="{{name}}" data-zones="{{zones}}" data-sha256="{{sha256}}">{{t.startEmergency}}</button>{{/readable}}
        {{^readable}}<p class="error">{{t.clipUnreadable}}</p>{{/readable}}
        </article>
        {{/presets}}
        </section>
        <section class="alerts">
        <h2>{{t.stopEmergency}}</h2>
        <button type="button" class="sign" id="stop" data-action="stop" data-zones="all" data-sha256="{{zeros}}">{{t.stopAll}}</button>
        </section>
        <form method="post" action="/ui/khan-cap" id="emergency-form" hidden>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="action" id="form-action">
        <input type="hidden" name="preset" id="form-preset">
        <input type="hidden" name="command" id="form-command">
        </form>
        {{/main}}
        {{/layout}}
        """

    static let schedule = """
        {{<layout}}
        {{$heading}}{{t.schedule}}{{/heading}}
        {{$main}}
        {{#error}}<p class="error" id="error" role="alert">{{error}}</p>{{/error}}
        {{#done}}<p class="ok" id="done" role="status">{{done}}</p>{{/done}}
        {{#confirming}}
        <section class="alerts confirm" id="confirm">
        <h2>{{t.confirmTitle}}</h2>
        <ul>{{#summary}}<li>{{.}}</li>{{/summary}}</ul>
        <form method="post" action="/ui/lich" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="confirm" value="1">
        {{#form}}<input type="hidden" name="op" value="{{op}}"><input type="hidden" name="id" value="{{id}}">
        <input type="hidden" name="name" value="{{name}}"><input type="hidden" name="times" value="{{times}}">
        {{#weekdays}}<input type="hidden" name="weekdays[]" value="{{.}}">{{/weekdays}}
        {{#zones}}<input type="hidden" name="zones[]" value="{{.}}">{{/zones}}
        <input type="hidden" name="text" value="{{text}}"><input type="hidden" name="clip" value="{{clip}}">
        <input type="hidden" name="from" value="{{from}}"><input type="hidden" name="until" value="{{until}}">{{/form}}
        <button type="submit" id="apply" class="danger">{{t.confirmApply}}</button>
        <a href="/ui/lich" id="back">{{t.back}}</a>
        </form>
        </section>
        {{/confirming}}
        {{#heldSchedule}}<section class="alerts confirm" id="held-schedule">
        <p>{{t.scheduleWaiting}} {{slots}} · {{t.heldBy}} {{by}}</p>
        {{#mayRelease}}<form method="post" action="/ui/lich"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="op" value="release"><button type="submit" id="release-schedule">{{t.release}}</button></form>{{/mayRelease}}
        </section>{{/heldSchedule}}
        <p class="inline weeks"><a href="/ui/lich?week={{previousWeek}}" id="previous-week">← {{t.previousWeek}}</a>
        <a href="/ui/lich" id="this-week">{{t.thisWeek}}</a>
        <a href="/ui/lich?week={{nextWeek}}" id="next-week">{{t.nextWeek}} →</a></p>
        <div class="scroll"><table class="grid" id="grid">
        <thead><tr><th>{{t.day}}</th>{{#zoneNames}}<th>{{.}}</th>{{/zoneNames}}</tr></thead>
        <tbody>
        {{#days}}<tr class="{{#today}}today{{/today}}"><th>{{label}}</th>{{#cells}}<td>{{#lines}}<div>{{.}}</div>{{/lines}}</td>{{/cells}}</tr>
        {{/days}}
        </tbody></table></div>
        <div class="split">
        <form method="post" action="/ui/lich" class="login" id="slot-form">
        <h2>{{#isEditing}}{{t.editSlot}} '{{editingName}}'{{/isEditing}}{{^isEditing}}{{t.addSlot}}{{/isEditing}}</h2>
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="op" value="{{formOp}}">
        <input type="hidden" name="id" value="{{formId}}">
        <label>{{t.slotName}} <input name="name" id="slot-name" value="{{formName}}" maxlength="100" required></label>
        <label>{{t.slotTimes}} <input name="times" id="slot-times" value="{{formTimes}}" required></label>
        <fieldset><legend>{{t.slotDays}}</legend>
        {{#dayChoices}}<label><input type="checkbox" name="weekdays[]" value="{{value}}"{{#checked}} checked{{/checked}}> {{label}}</label> {{/dayChoices}}
        </fieldset>
        <fieldset><legend>{{t.zone}}</legend>
        {{#zoneChoices}}<label><input type="checkbox" name="zones[]" value="{{name}}"{{#checked}} checked{{/checked}}> {{name}}</label> {{/zoneChoices}}
        </fieldset>
        <label>{{t.slotText}} <textarea name="text" id="slot-text" rows="3" maxlength="32000">{{formText}}</textarea></label>
        <label>{{t.slotClip}} <input name="clip" id="slot-clip" list="library" maxlength="64"></label>
        <datalist id="library">{{#library}}<option value="{{name}}">{{title}}</option>{{/library}}</datalist>
        <label>{{t.slotFrom}} <input type="date" name="from" id="slot-from" value="{{formFrom}}"></label>
        <label>{{t.slotUntil}} <input type="date" name="until" id="slot-until" value="{{formUntil}}"></label>
        <button type="submit" id="slot-check">{{t.checkSlot}}</button>
        </form>
        <section class="alerts">
        <h2>{{t.slotsApplied}}</h2>
        {{#noSlots}}<p>{{t.nothing}}</p>{{/noSlots}}
        <ul id="slots">
        {{#slots}}<li id="slot-{{id}}">{{line}} <a href="/ui/lich?edit={{id}}" id="edit-{{id}}">{{t.edit}}</a>
        <form method="post" action="/ui/lich" class="inline"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="op" value="delete"><input type="hidden" name="id" value="{{id}}">
        <button type="submit" class="cancel" id="delete-{{id}}">{{t.deleteSlot}}</button></form></li>
        {{/slots}}
        </ul>
        {{#canUndo}}<form method="post" action="/ui/lich"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="op" value="undo"><button type="submit" id="undo">{{t.undo}}</button></form>{{/canUndo}}
        </section>
        </div>
        {{/main}}
        {{/layout}}
        """

    static let report = """
        {{<layout}}
        {{$heading}}{{t.reportTitle}} {{monthText}}{{/heading}}
        {{$main}}
        <p class="noprint inline"><a href="/ui/nhat-ky">← {{t.logs}}</a> <button type="button" id="print">{{t.print}}</button></p>
        <table class="grid report" id="report">
        <thead><tr><th>{{t.zone}}</th><th>{{t.priorityField}}</th><th>{{t.items}}</th><th>{{t.airtime}}</th></tr></thead>
        <tbody>
        {{#rows}}<tr><td>{{zone}}</td><td>{{priority}}</td><td>{{items}}</td><td>{{minutes}}</td></tr>{{/rows}}
        {{#noRows}}<tr><td colspan="4">{{t.nothing}}</td></tr>{{/noRows}}
        </tbody>
        <tfoot><tr><th colspan="2">{{t.total}}</th><th id="total-items">{{totalItems}}</th><th id="total-minutes">{{totalMinutes}}</th></tr></tfoot>
        </table>
        <p class="live">{{t.printedAt}} {{printedAt}} (Asia/Ho_Chi_Minh)</p>
        {{/main}}
        {{/layout}}
        """
}
