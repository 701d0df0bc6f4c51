import Foundation
import LonganSoCore
import XCTest

final class SearchTests: XCTestCase {
    func testAQueryWithoutDiacriticsFindsBirthRegistrationFirst() async throws {
        let core = try await SeededCore.shared.get()
        let page = try await core.search(query: SearchQuery(text: "dang ky khai sinh", limit: 5))
        XCTAssertEqual(page.hits.first?.code, "1.001193")
        XCTAssertEqual(page.hits.first?.name, "Thủ tục đăng ký khai sinh")
    }

    func testHighlightRangesIndexNSStringDirectly() async throws {
        let core = try await SeededCore.shared.get()
        let hit = try await core.search(query: SearchQuery(text: "dang ky khai sinh", limit: 1)).hits[0]
        let name = hit.name as NSString
        let parts = hit.highlights.map {
            name.substring(with: NSRange(location: Int($0.start), length: Int($0.end - $0.start)))
        }
        XCTAssertEqual(parts.joined(separator: " "), "đăng ký khai sinh")
    }

    func testTelexKeystrokesAreDecodedAndReported() async throws {
        let core = try await SeededCore.shared.get()
        let page = try await core.search(query: SearchQuery(text: "ddawng kys khai sinh", limit: 5))
        XCTAssertEqual(page.decodedQuery, "đăng ký khai sinh")
        XCTAssertEqual(page.hits.first?.code, "1.001193")
    }

    func testPagesAreConsecutiveSlicesOfOneRanking() async throws {
        let core = try await SeededCore.shared.get()
        let all = try await core.search(query: SearchQuery(text: "giay phep", limit: 10)).hits.map(\.code)
        let first = try await core.search(query: SearchQuery(text: "giay phep", limit: 5)).hits.map(\.code)
        let second = try await core.search(query: SearchQuery(text: "giay phep", offset: 5, limit: 5)).hits.map(\.code)
        XCTAssertEqual(all, first + second)
    }

    func testAFieldFilterKeepsOnlyThatField() async throws {
        let core = try await SeededCore.shared.get()
        let page = try await core.search(query: SearchQuery(text: "dang ky", limit: 50, field: "ho tich"))
        XCTAssertFalse(page.hits.isEmpty)
        XCTAssertTrue(page.hits.allSatisfy { $0.field == "Hộ tịch" })
    }

    func testFieldsAndProcedureDetails() async throws {
        let core = try await SeededCore.shared.get()
        let fields = try await core.fields(allProvinces: false)
        XCTAssertEqual(fields.first?.name, "An toàn bức xạ và hạt nhân")
        XCTAssertTrue(fields.allSatisfy { $0.count > 0 })
        let detail = try await core.procedure(code: "1.001193")
        let record = try XCTUnwrap(detail.record)
        XCTAssertFalse(record.steps.isEmpty)
        XCTAssertFalse(record.channels.isEmpty)
    }

    func testTenConcurrentCallsFromATaskGroupAllSucceed() async throws {
        let core = try await SeededCore.shared.get()
        let queries = ["dang ky khai sinh", "cap doi can cuoc", "giay phep lai xe", "ket hon", "ho kinh doanh"]
        var expected: [String: [String]] = [:]
        for query in queries {
            expected[query] = try await core.search(query: SearchQuery(text: query, limit: 3)).hits.map(\.code)
        }
        let results = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
            for i in 0..<10 {
                let query = queries[i % queries.count]
                group.addTask {
                    (query, try await core.search(query: SearchQuery(text: query, limit: 3)).hits.map(\.code))
                }
            }
            var collected: [(String, [String])] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        XCTAssertEqual(results.count, 10)
        for (query, codes) in results {
            XCTAssertEqual(expected[query], codes)
        }
    }
}
