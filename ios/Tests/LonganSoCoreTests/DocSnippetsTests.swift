import Foundation
import LonganSoCore
import XCTest

/// Runs the snippets of docs/integrating-ios.md, so the guide shows code that works.
final class DocSnippetsTests: XCTestCase {
    func testTheGuidesOpeningCodeSeedsAnEmptyCore() async throws {
        let directory = URL(fileURLWithPath: freshDataDir())
        let core = try await openLonganCore(dataDirectory: directory) {
            try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        }
        let info = try await core.catalogInfo()
        XCTAssertEqual(info.procedures, 73)
        try await core.shutdown()
    }

    func testTheGuidesHighlightsAndErrorsWork() async throws {
        let core = try await SeededCore.shared.get()
        let hit = try await core.search(query: SearchQuery(text: "dang ky khai sinh", limit: 1)).hits[0]
        XCTAssertEqual(highlightedParts(of: hit), ["đăng ký khai sinh"])
        do {
            _ = try await core.search(query: SearchQuery(text: ""))
            XCTFail("an empty query was accepted")
        } catch let error as LonganError {
            XCTAssertFalse(describe(error).isEmpty)
            XCTAssertFalse(shouldOfferRetry(error))
        }
    }

    func testTheGuidesCancellableImportStopsWithTheTask() async throws {
        let core = try await openFreshCore()
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        let task = Task { try await importCancellably(core: core, csv: csv) }
        task.cancel()
        do {
            _ = try await task.value
            // The cancel may come after the import finished: then it is whole.
            let info = try await core.catalogInfo()
            XCTAssertEqual(info.procedures, 73)
        } catch let error as LonganError {
            guard case .Cancelled = error else { return XCTFail("expected Cancelled, got \(error)") }
            let info = try await core.catalogInfo()
            XCTAssertEqual(info.procedures, 0)
        }
        try await core.shutdown()
    }
}
