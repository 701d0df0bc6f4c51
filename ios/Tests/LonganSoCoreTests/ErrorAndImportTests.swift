import Foundation
import LonganSoCore
import XCTest

final class ErrorAndImportTests: XCTestCase {
    func testAnEmptyQueryIsInvalidInputWithAMessageAndNoRetry() async throws {
        let core = try await SeededCore.shared.get()
        do {
            _ = try await core.search(query: SearchQuery(text: "  "))
            XCTFail("an empty query was accepted")
        } catch let error as LonganError {
            guard case let .InvalidInput(userMessage) = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertTrue(userMessage.contains("không hợp lệ"), userMessage)
            XCTAssertFalse(error.isRetryable())
        }
    }

    func testAMalformedKeyPinIsInvalidInputAtOpen() async throws {
        let core = LonganCore(config: CoreConfig(dataDir: freshDataDir(), pinnedKeys: ["not-a-pin"]))
        do {
            _ = try await core.open()
            XCTFail("a malformed pin was accepted")
        } catch let error as LonganError {
            guard case let .InvalidInput(userMessage) = error else {
                return XCTFail("expected InvalidInput, got \(error)")
            }
            XCTAssertTrue(userMessage.contains("64 hex digits"), userMessage)
        }
    }

    func testASecondCoreOnTheSameDirectoryIsBusyUntilTheFirstShutsDown() async throws {
        let dir = freshDataDir()
        let first = LonganCore(config: CoreConfig(dataDir: dir))
        _ = try await first.open()
        let second = LonganCore(config: CoreConfig(dataDir: dir))
        do {
            _ = try await second.open()
            XCTFail("two cores opened one directory")
        } catch let error as LonganError {
            guard case .StoreBusy = error else { return XCTFail("expected StoreBusy, got \(error)") }
            XCTAssertTrue(error.isRetryable())
        }
        try await first.shutdown()
        _ = try await second.open()
        try await second.shutdown()
    }

    func testACatalogueGivenAsBytesIsImportedAndSearchable() async throws {
        let core = try await openFreshCore()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        let summary = try await core.importCatalogBytes(csv: bytes)
        XCTAssertEqual(summary.added, 73)
        let info = try await core.catalogInfo()
        XCTAssertEqual(info.procedures, 73)
        try await core.shutdown()
    }

    func testACancelledImportFailsAsCancelledAndWritesNothing() async throws {
        let core = try await openFreshCore(language: .en)
        let handle = CancelHandle()
        handle.cancel()
        do {
            _ = try await core.importSeedFile(catalogCsvPath: Seed.civilStatusCsv, cancel: handle)
            XCTFail("a cancelled import went through")
        } catch let error as LonganError {
            guard case let .Cancelled(userMessage) = error else { return XCTFail("expected Cancelled, got \(error)") }
            XCTAssertEqual(userMessage, "The operation was cancelled.")
        }
        let info = try await core.catalogInfo()
        XCTAssertEqual(info.procedures, 0)
        try await core.shutdown()
    }

    func testARustPanicSurfacesAsAnError() throws {
        XCTAssertThrowsError(try debugPanic(message: "from the Swift tests")) { error in
            XCTAssertFalse(error is LonganError)
            XCTAssertTrue("\(error)".contains("from the Swift tests"), "\(error)")
        }
        XCTAssertEqual(apiVersion(), 8)
    }

    func testLogRecordsAndEventsArriveOffTheMainThread() async throws {
        let recorder = Recorder()
        let core = try await openFreshCore(logger: recorder, listener: recorder, logLevel: .info)
        _ = try await core.importSeedFile(catalogCsvPath: Seed.civilStatusCsv)
        let seen = recorder.snapshot()
        guard case let .catalogChanged(procedures, added, _) = seen.events.first else {
            return XCTFail("no CatalogChanged event: \(seen.events)")
        }
        XCTAssertEqual(procedures, 73)
        XCTAssertEqual(added, 73)
        XCTAssertTrue(seen.records.contains { $0.level == .info && $0.message.hasPrefix("imported catalogue rows") })
        XCTAssertFalse(seen.onMainThread)
        try await core.shutdown()
    }
}
