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

    func testAVolunteerSignsInAsTheDemoCitizenAndShowsALateDossierGettingANewDate() async throws {
        let core = try await openFreshCore()
        let csv = try Data(contentsOf: URL(fileURLWithPath: Seed.civilStatusCsv))
        _ = try await core.importCatalogBytes(csv: csv)
        let before = try await core.session()
        XCTAssertEqual(before.state, .signedOut)
        do {
            _ = try await core.myDossiers()
            XCTFail("my dossiers without a sign-in")
        } catch let error as LonganError {
            guard case .AuthRequired = error else { return XCTFail("expected AuthRequired, got \(error)") }
        }
        let session = try await core.signInDemo()
        XCTAssertEqual(session.state, .signedIn)
        XCTAssertTrue(session.isDemo)
        XCTAssertEqual(session.displayName, "Nguyễn V** M**")
        let mine = try await core.myDossiers()
        let demoCodes = try await core.demoDossiers().map(\.code)
        XCTAssertEqual(Set(mine.map(\.code)), Set(demoCodes))
        let late = mine.filter { if case .overdue = $0.due { return true } else { return false } }
        XCTAssertEqual(late.count, 1)
        try await core.advanceDemo(minutes: 5)
        let rescheduled = try await core.myDossiers().first { $0.code == late[0].code }
        XCTAssertEqual(rescheduled?.appointmentHistory.count, 2)
        XCTAssertEqual(rescheduled?.appointmentHistory.last?.apology, true)
        guard case .dueIn = rescheduled?.due else { return XCTFail("not due: \(String(describing: rescheduled?.due))") }
        try await core.signOut()
        let after = try await core.session()
        XCTAssertEqual(after.state, .signedOut)
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

