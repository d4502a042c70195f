import Foundation
import Hummingbird
import LoaControlAPI
import LoaSchedule

/// Lịch (`/ui/lich?week=YYYY-MM-DD`): the week as a day × zone grid of the timetable (`GET /schedule/timetable`), the
/// applied slots with Sửa and Xóa, a form to add or edit a slot (times, days, zones, a text read aloud or a stored
/// clip, dates), and undo of the last apply. Every change is checked first (`ScheduleEdit`: the fields, and no
/// overlap in any zone, midnight-crossing included) and shown with what it adds, replaces or removes; it is
/// applied (the `POST /schedule` path, its role, audited) only when confirmed.
extension Dashboard {
    struct SlotForm: SessionForm {
        var csrf: String?
        var op: String
        /// A slot's id (empty when adding).
        var id: String?
        var name: String?
        var times: String?
        var weekdays: [String]?
        var zones: [String]?
        var text: String?
        var clip: String?
        var from: String?
        var until: String?
        var confirm: String?

        var slotID: Int64? { id.flatMap { Int64($0) } }
    }

    func addScheduleRoutes(to router: Router<ControlContext>) {
        router.get("/ui/lich") { request, _ -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let input = RequestInput(request: request)
            var values: [String: Any] = [:]
            if input.text("applied") != nil { values["done"] = DashboardText.words(language(request))["applied"] }
            if input.text("held") != nil { values["done"] = DashboardText.words(language(request))["scheduleHeldDone"] }
            if let edit = input.text("edit").flatMap({ Int64($0) }) { values["editing"] = edit }
            return try await schedulePage(request, session, values)
        }
        router.post("/ui/lich") { request, context -> Response in
            guard let session = try session(request) else { return Self.redirect("/ui/login") }
            let form: SlotForm = try await checkedForm(request, session)
            let words = DashboardText.words(language(request))
            do {
                if form.op == "release" {
                    try permit(session, .releaseSchedule, request)
                    _ = try await refusing { try await programme.releaseSchedule(by: session.account.name) }
                    auditLog.record(
                        actor: .account(session.account.name), action: .scheduleReleased, target: "/ui/lich",
                        from: context.callerAddress, result: .accepted)
                    return Self.redirect("/ui/lich?applied=1")
                }
                try permit(session, .applySchedule, request)
                let current = try await refusing { try await programme.slots() }
                let proposed: [SlotInput]
                var text: (index: Int, text: String)?
                var summary: [String] = []
                if form.op == "undo" {
                    guard let previous = try await refusing({ try await programme.previousSchedule() }) else {
                        throw APIError(.conflict, words["nothingToUndo"] ?? "")
                    }
                    proposed = previous
                    summary = [(words["willUndo"] ?? "") + " \(previous.count)"]
                } else {
                    let edit = try scheduleEdit(form, current, clip: try await libraryClip(form.clip, words), words)
                    proposed = edit.applied(to: current)
                    if let spoken = edit.text, let index = proposed.firstIndex(where: { $0 == edit.slot }) {
                        text = (index, spoken)
                    }
                    summary = try await describe(edit, current, words)
                    try await checkOverlaps(proposed, text: text, words)
                }
                guard form.confirm == "1" else {
                    return try await schedulePage(
                        request, session, ["confirming": true, "summary": summary, "form": confirmFields(form)])
                }
                var slots = proposed
                if let text {
                    let clip = try await refusing {
                        try await programme.storeSpeech(text.text, title: slots[text.index].name)
                    }
                    slots[text.index].clipIds = [clip.id]
                }
                // With approval required, a broadcaster's change waits for an approver (`loa approve --schedule`).
                if let broadcaster = Caller.$account.withValue(session.account, operation: { programmeAPI.heldBy() }) {
                    try await refusing { try await programme.holdSchedule(slots, by: broadcaster) }
                    auditLog.record(
                        actor: .account(session.account.name), action: .scheduleApplied,
                        target: "/ui/lich \(form.op) (\(slots.count) slots), held for approval",
                        from: context.callerAddress, result: .accepted)
                    return Self.redirect("/ui/lich?held=1")
                }
                try await refusing { try await programme.applySchedule(slots) }
                auditLog.record(
                    actor: .account(session.account.name), action: .scheduleApplied,
                    target: "/ui/lich \(form.op) (\(slots.count) slots)", from: context.callerAddress,
                    result: .accepted)
                return Self.redirect("/ui/lich?applied=1")
            } catch let error as APIError {
                return try await schedulePage(
                    request, session, ["error": error.message, "form": confirmFields(form)], status: error.status)
            }
        }
    }

    /// The edit the form asks for, or the refusal in the page's words.
    /// The clip the form names: a name of the library, or a stored clip's number; nil when it names none.
    private func libraryClip(_ text: String?, _ words: [String: String]) async throws -> Int64? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if let id = Int64(text) { return id }
        guard let named = try await refusing({ try await programme.library() }).first(where: { $0.name == text }) else {
            throw APIError(.badRequest, (words["unknownLibraryClip"] ?? "") + " '\(text.prefix(64))'")
        }
        return named.clip.id
    }

    private func scheduleEdit(_ form: SlotForm, _ current: [Slot], clip: Int64?, _ words: [String: String]) throws
        -> ScheduleEdit
    {
        let operation: ScheduleEdit.Operation
        switch form.op {
        case "add": operation = .add
        case "edit": operation = .replace(form.slotID ?? -1)
        case "delete": operation = .delete(form.slotID ?? -1)
        default: throw APIError(.badRequest, "unknown operation '\(form.op.prefix(20))'")
        }
        do {
            return try ScheduleEdit(
                operation: operation, name: form.name, times: form.times, weekdays: form.weekdays ?? [],
                zones: form.zones ?? [], text: form.text, clip: clip, from: form.from,
                until: form.until, existing: current.first { $0.id == form.slotID })
        } catch { throw APIError(.badRequest, words[error.rawValue] ?? "") }
    }

    /// Refuses (409, the checker's line) a schedule with two airings of one zone at once.
    private func checkOverlaps(_ slots: [SlotInput], text: (index: Int, text: String)?, _ words: [String: String])
        async throws
    {
        var durations: [Int64: Int] = [:]
        for id in Set(slots.flatMap(\.clipIds)) {
            durations[id] = try await refusing { try await programme.storedClip(id) }?.durationMilliseconds
        }
        var spoken = 0
        if let text { spoken = try await refusing { try await programme.preview(text.text) }.milliseconds }
        let overlaps = ScheduleEdit.overlaps(
            slots, texts: text.map { [$0.index: $0.text] } ?? [:], zones: await programme.zoneNames,
            today: programme.localTime.date(programme.clock.now()), durations: durations, textDuration: spoken)
        if let first = overlaps.first { throw APIError(.conflict, (words["conflict"] ?? "") + " " + first) }
    }

    /// What the edit adds, replaces or removes, one line each.
    private func describe(_ edit: ScheduleEdit, _ current: [Slot], _ words: [String: String]) async throws -> [String] {
        switch edit.operation {
        case .add: return [(words["willAdd"] ?? "") + " " + (try await line(edit.slot, text: edit.text, words))]
        case .replace(let id):
            let old = current.first { $0.id == id }?.input
            return [
                (words["willReplace"] ?? "") + " " + (try await line(old, text: nil, words)),
                (words["replaceWith"] ?? "") + " " + (try await line(edit.slot, text: edit.text, words)),
            ]
        case .delete(let id):
            return [
                (words["willDelete"] ?? "") + " "
                    + (try await line(current.first { $0.id == id }?.input, text: nil, words))
            ]
        }
    }

    /// "'Bản tin sáng' · 06:00, 17:30 · T2, T4 · thon-a · Tin sáng" for the confirmation and the slot list.
    private func line(_ slot: SlotInput?, text: String?, _ words: [String: String]) async throws -> String {
        guard let slot else { return "" }
        var content = text.map { "“" + String($0.prefix(60)) + "”" } ?? ""
        if text == nil {
            var titles: [String] = []
            for id in slot.clipIds {
                titles.append(try await refusing { try await programme.storedClip(id) }?.title ?? "#\(id)")
            }
            content =
                slot.relay.map { (words["relayWord"] ?? "") + " " + ($0.first ?? "") } ?? titles.joined(separator: ", ")
        }
        let days =
            slot.weekdays.count == 7
            ? words["everyDay"] ?? "" : slot.weekdays.map { words["weekday\($0)"] ?? "" }.joined(separator: ", ")
        let dates = [slot.from, slot.until].compactMap { $0 }.joined(separator: " → ")
        return
            ([
                "'\(slot.name)'", slot.times.map(Self.clock).joined(separator: ", "), days,
                slot.zones.joined(separator: ", "), content,
            ]
            + (dates.isEmpty ? [] : [dates])).joined(separator: " · ")
    }

    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    /// The form's fields again, for the confirmation's hidden inputs and a refused form shown back.
    private func confirmFields(_ form: SlotForm) -> [String: Any] {
        [
            "op": form.op, "id": form.id ?? "", "name": form.name ?? "", "times": form.times ?? "",
            "weekdays": form.weekdays ?? [], "zones": form.zones ?? [], "text": form.text ?? "",
            "clip": form.clip ?? "",
            "from": form.from ?? "", "until": form.until ?? "",
        ]
    }

    private func schedulePage(
        _ request: Request, _ session: Session, _ values: [String: Any], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let words = DashboardText.words(language(request))
        let localTime = programme.localTime
        let today = localTime.date(programme.clock.now())
        let asked = RequestInput(request: request).text("week").flatMap(LocalDate.init) ?? today
        let monday = asked.adding(days: 1 - asked.weekday)
        let entries = try await refusing { try await programme.timetable(from: monday, days: 7) }
        let zones = await programme.zoneNames
        let days: [[String: Any]] = (0..<7).map { offset in
            let day = monday.adding(days: offset)
            let text = day.description
            return [
                "label": (words["weekday\(day.weekday)"] ?? "") + " " + String(text.dropFirst(8)) + "/"
                    + String(text.dropFirst(5).prefix(2)),
                "today": day == today,
                "cells": zones.map { zone in
                    [
                        "lines": entries.filter { $0.zone == zone && $0.date == text }.sorted { $0.time < $1.time }
                            .map { "\($0.time) \($0.slot)" }
                    ]
                },
            ]
        }
        let slots = try await refusing { try await programme.slots() }
        var slotRows: [[String: Any]] = []
        for slot in slots {
            slotRows.append(["id": slot.id, "line": try await line(slot.input, text: nil, words)])
        }
        let form = values["form"] as? [String: Any]
        let editing = (values["editing"] as? Int64).flatMap { id in slots.first { $0.id == id } }
        let chosenDays = Set(
            (form?["weekdays"] as? [String]) ?? editing.map { $0.weekdays.map(String.init) } ?? (1...7).map(String.init)
        )
        let chosenZones = Set((form?["zones"] as? [String]) ?? editing?.zones ?? zones)
        var context: [String: Any] = [
            "onSchedule": true, "zoneNames": zones,
            "library": try await refusing { try await programme.library() }.map {
                ["name": $0.name, "title": $0.clip.title]
            }, "days": days, "slots": slotRows, "noSlots": slotRows.isEmpty,
            "week": monday.description, "previousWeek": monday.adding(days: -7).description,
            "nextWeek": monday.adding(days: 7).description,
            "canUndo": (try await refusing { try await programme.previousSchedule() }) != nil,
            "heldSchedule": try await refusing { try await programme.heldSchedule() }.map {
                ["slots": $0.slots.count, "by": $0.by] as [String: Any]
            } as Any,
            "mayRelease": session.account.role.satisfies(Route.releaseSchedule.requiredRole ?? .admin),
            "dayChoices": (1...7).map {
                ["value": $0, "label": words["weekday\($0)"] ?? "", "checked": chosenDays.contains(String($0))]
            },
            "zoneChoices": zones.map { ["name": $0, "checked": chosenZones.contains($0)] },
            "formName": form?["name"] ?? editing?.name ?? "",
            "formTimes": form?["times"] ?? editing.map { $0.times.map(Self.clock).joined(separator: ", ") } ?? "",
            "formText": form?["text"] ?? "", "formFrom": form?["from"] ?? editing?.fromDate ?? "",
            "formUntil": form?["until"] ?? editing?.untilDate ?? "",
            "formOp": (form?["op"] as? String).flatMap { $0 == "delete" || $0 == "undo" ? nil : $0 }
                ?? (editing == nil ? "add" : "edit"),
            "formId": form?["id"] ?? editing.map { String($0.id) } ?? "",
            "editingName": editing?.name ?? (form?["name"] as? String) ?? "",
            "isEditing": editing != nil || (form?["op"] as? String) == "edit",
        ]
        context.merge(values) { $1 }
        return page("schedule", request, session: session, context, status: status)
    }
}
