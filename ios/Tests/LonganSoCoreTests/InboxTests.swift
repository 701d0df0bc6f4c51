import Foundation
import LonganSoCore
import XCTest

/// The inbox fed by local detection on the offline demo.
final class InboxTests: XCTestCase {
    func testAFollowedDemoDossierMovingFillsTheInboxOnceInEitherLanguage() async throws {
        let dataDir = freshDataDir()
        let core = LonganCore(config: CoreConfig(dataDir: dataDir))
        _ = try await core.open()
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        _ = try await core.importCatalogBytes(csv: csv)
        let demo = try await core.demoDossiers()[0]
        _ = try await core.lookUpDossier(code: demo.code, verifier: demo.verifier)
        _ = try await core.setDossierFollowed(code: demo.code, followed: true)
        _ = try await core.refreshFollowed()
        let none = try await core.notifications(limit: 50)
        XCTAssertTrue(none.isEmpty)
        try await core.advanceDemo(minutes: 30)
        _ = try await core.refreshFollowed()
        let notes = try await core.notifications(limit: 50)
        XCTAssertFalse(notes.isEmpty)
        XCTAssertTrue(notes.allSatisfy { $0.dossierCode == demo.code })
        _ = try await core.refreshFollowed()
        let again = try await core.notifications(limit: 50)
        XCTAssertEqual(again.map(\.id), notes.map(\.id))
        try await core.shutdown()
        let english = LonganCore(config: CoreConfig(dataDir: dataDir, language: .en))
        _ = try await english.open()
        let translated = try await english.notifications(limit: 50)
        XCTAssertEqual(translated.map(\.id), notes.map(\.id))
        XCTAssertNotEqual(translated[0].title, notes[0].title)
        try await english.shutdown()
    }

    func testAPushIsANudgeAndGarbageIsIgnoredAndTheListenerHearsOfItFromARustThread() async throws {
        let recorder = Recorder()
        let core = try await openFreshCore(listener: recorder)
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        _ = try await core.importCatalogBytes(csv: csv)
        let demo = try await core.demoDossiers()[0]
        _ = try await core.lookUpDossier(code: demo.code, verifier: demo.verifier)
        _ = try await core.setDossierFollowed(code: demo.code, followed: true)
        let garbage = try await core.handlePush(payload: "{not json")
        XCTAssertFalse(garbage.handled)
        try await core.advanceDemo(minutes: 30)
        let push = "{\"aps\":{\"alert\":\"spoof\"},\"type\":\"dossier\",\"code\":\"\(demo.code)\"}"
        let handled = try await core.handlePush(payload: push)
        XCTAssertTrue(handled.handled)
        XCTAssertGreaterThan(handled.notified, 0)
        let notes = try await core.notifications(limit: 50)
        XCTAssertFalse(notes.contains { $0.title.contains("spoof") })
        // What a notification service extension shows: generic, without opening a core.
        XCTAssertEqual(pushNotice(payload: push, language: .en), "Your dossier has an update")
        XCTAssertEqual(pushNotice(payload: push, language: nil), "Hồ sơ của bạn có cập nhật mới")
        XCTAssertNil(pushNotice(payload: "{not json", language: nil))
        let heard = recorder.snapshot()
        let added = heard.events.reduce(UInt64(0)) { total, event in
            if case let .notificationsAdded(count) = event { return total + count }
            return total
        }
        XCTAssertEqual(added, UInt64(handled.notified))
        XCTAssertFalse(heard.onMainThread)
        let background = try await core.backgroundRefresh(budgetSeconds: 30)
        XCTAssertEqual(background.refreshed, 1)
        try await core.shutdown()
    }

    func testAPushTokenIsKeptUntilSomeoneSignsInAndAMalformedOneIsRefused() async throws {
        let core = try await openFreshCore()
        let installation = try await core.installationId()
        XCTAssertEqual(installation.count, 32)
        let again = try await core.installationId()
        XCTAssertEqual(again, installation)
        let queued = try await core.registerPushToken(platform: .apns, token: "a1b2c3d4")
        XCTAssertFalse(queued, "nobody is signed in: nothing to register yet")
        do {
            _ = try await core.registerPushToken(platform: .apns, token: "with space")
            XCTFail("a token with a space was accepted")
        } catch let error as LonganError {
            guard case let .InvalidInput(message) = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertFalse(message.contains("with space"))
        }
        try await core.shutdown()
    }
}
