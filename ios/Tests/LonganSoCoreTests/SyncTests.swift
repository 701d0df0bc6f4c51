import Foundation
import LonganSoCore
import XCTest

/// Catalogue sync against the reference portal the test script started.
final class SyncTests: XCTestCase {
    private var portalUrl: String {
        ProcessInfo.processInfo.environment["LONGAN_PORTAL_URL"] ?? "http://127.0.0.1:9"
    }

    func testAFirstSyncTakesTheWholeCatalogueAndTheNextOneIsNotModified() async throws {
        let core = LonganCore(config: CoreConfig(dataDir: freshDataDir(), portalUrl: portalUrl))
        _ = try await core.open()
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        _ = try await core.importCatalogBytes(csv: csv)
        let first = try await core.syncCatalog()
        XCTAssertTrue(first.fullSnapshot)
        XCTAssertGreaterThan(first.upserts, 1000)
        let info = try await core.catalogInfo()
        XCTAssertEqual(info.procedures, first.upserts)
        let second = try await core.syncCatalog()
        XCTAssertTrue(second.notModified)
        XCTAssertEqual(second.requests, 1)
        let after = try await core.catalogInfo()
        let syncedAt = try XCTUnwrap(after.lastSyncedAt)
        XCTAssertLessThan(abs(syncedAt.timeIntervalSinceNow), 60)
        let detail = try await core.refreshProcedure(code: "1.001193")
        XCTAssertFalse(try XCTUnwrap(detail.record).steps.isEmpty)
        try await core.shutdown()
    }

    func testAnUnreachablePortalIsOfflineAndRetryable() async throws {
        let core = LonganCore(config: CoreConfig(dataDir: freshDataDir(), portalUrl: "http://127.0.0.1:9"))
        _ = try await core.open()
        do {
            _ = try await core.syncCatalog()
            XCTFail("synced with nobody")
        } catch let error as LonganError {
            guard case .Offline = error else { return XCTFail("expected Offline, got \(error)") }
            XCTAssertTrue(error.isRetryable())
        }
        try await core.shutdown()
    }
}
