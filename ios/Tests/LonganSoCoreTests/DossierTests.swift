import Foundation
import LonganSoCore
import XCTest

/// Dossier tracking on the offline demo (no portal configured).
final class DossierTests: XCTestCase {
    func testADemoDossierIsLookedUpFollowedAndListedOffline() async throws {
        let core = try await openFreshCore()
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        _ = try await core.importCatalogBytes(csv: csv)
        let demo = try await core.demoDossiers()[0]
        let dossier = try await core.lookUpDossier(code: demo.code.lowercased(), verifier: demo.verifier)
        XCTAssertEqual(dossier.code, demo.code)
        XCTAssertEqual(dossier.status, .registered)
        XCTAssertTrue(dossier.applicant.contains("*"))
        _ = try await core.setDossierFollowed(code: dossier.code, followed: true)
        let list = try await core.followedDossiers()
        XCTAssertEqual(list.map(\.code), [dossier.code])
        try await core.advanceDemo(minutes: 15)
        let moved = try await core.lookUpDossier(code: dossier.code, verifier: demo.verifier)
        XCTAssertGreaterThan(moved.statusNumber, 1)
        XCTAssertGreaterThan(moved.version, dossier.version)
        try await core.shutdown()
    }

    func testCodesAreReadFromWhatCitizensTypeAndFromReceiptQrCodes() throws {
        XCTAssertEqual(try parseDossierCode(input: " 000.00.12.h39 – 250315 – 0042 "), "000.00.12.H39-250315-0042")
        XCTAssertEqual(
            try dossierCodeFromQr(payload: "https://dichvucong.tayninh.gov.vn/tra-cuu-ho-so?ma=000.00.12.H39-250315-0042"),
            "000.00.12.H39-250315-0042"
        )
        XCTAssertThrowsError(try dossierCodeFromQr(payload: "hello"))
    }

    func testAnOldDistrictNameFindsTheCommunesThatNowCoverIt() {
        let found = Set(searchPlaces(query: "huyện Tân Trụ").map(\.currentName))
        XCTAssertEqual(found, ["Xã Nhựt Tảo", "Xã Tân Trụ", "Xã Vàm Cỏ"])
    }
}

