import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LonganSoCore
import XCTest

/// The app's keychain, in memory.
final class MemorySecureStorage: SecureStorage, @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Data] = [:]

    var names: [String] { lock.withLock { Array(values.keys) } }

    func get(name: String) throws -> Data? { lock.withLock { values[name] } }
    func put(name: String, value: Data) throws { lock.withLock { values[name] = value } }
    func delete(name: String) throws { lock.withLock { _ = values.removeValue(forKey: name) } }
}

/// Sign-in against the OpenID provider the test script started, profiles and feedback.
final class LoginTests: XCTestCase {
    private var issuer: String {
        ProcessInfo.processInfo.environment["LONGAN_OIDC_ISSUER"] ?? "http://127.0.0.1:9"
    }

    private func login() -> LoginSettings {
        LoginSettings(
            issuer: issuer,
            clientId: "longan-app",
            redirectUri: "vn.gov.longanso:/oauth2redirect",
            postLogoutRedirectUri: "vn.gov.longanso:/logout"
        )
    }

    /// The test provider's server-side browser: signs the hinted account in, returns the redirect.
    private func browse(_ authorizationUrl: String) throws -> String {
        var components = URLComponents(string: issuer + "/test/browse")!
        components.queryItems = [URLQueryItem(name: "url", value: authorizationUrl)]
        // `+` would be read as a space in a query.
        components.percentEncodedQuery = components.percentEncodedQuery?
            .replacingOccurrences(of: "+", with: "%2B")
        let data = try Data(contentsOf: components.url!)
        return String(decoding: data, as: UTF8.self)
    }

    func testACitizenSignsInThroughTheBrowserAndOutAgain() async throws {
        let storage = MemorySecureStorage()
        let core = LonganCore(
            config: CoreConfig(dataDir: freshDataDir(), login: login()),
            secureStorage: storage
        )
        _ = try await core.open()
        let before = try await core.session()
        XCTAssertEqual(before.state, .signedOut)
        let url = try await core.startLogin(loginHint: "citizen-1")
        XCTAssertTrue(url.contains("code_challenge_method=S256"))
        let session = try await core.completeLogin(redirectUrl: try browse(url))
        XCTAssertEqual(session.state, .signedIn)
        XCTAssertEqual(session.displayName, "Trần Thị Lan")
        XCTAssertTrue(storage.names.contains { $0.hasPrefix("tokens.") })
        let out = try await core.logout()
        XCTAssertNotNil(out.endSessionUrl)
        let after = try await core.session()
        XCTAssertEqual(after.state, .signedOut)
        XCTAssertFalse(storage.names.contains { $0.hasPrefix("tokens.") })
        try await core.shutdown()
    }

    func testAnAssistedProfileIsWipedAtSignOut() async throws {
        let core = LonganCore(
            config: CoreConfig(dataDir: freshDataDir(), login: login()),
            secureStorage: MemorySecureStorage()
        )
        _ = try await core.open()
        let own = try await core.listProfiles()[0]
        let helped = try await core.addProfile(name: "Bà Tư", assisted: true)
        _ = try await core.switchProfile(id: helped.id)
        _ = try await core.completeLogin(redirectUrl: try browse(try await core.startLogin(loginHint: "citizen-2")))
        let out = try await core.logout()
        XCTAssertTrue(out.profileRemoved)
        let left = try await core.listProfiles().map(\.id)
        XCTAssertEqual(left, [own.id])
        try await core.shutdown()
    }

    func testFeedbackWrittenWithoutAPortalWaitsInTheOutbox() async throws {
        let core = try await openFreshCore()
        let view = try await core.sendFeedback(
            draft: FeedbackDraft(category: .infrastructure, text: "Đèn đường ấp 3 bị hỏng")
        )
        XCTAssertEqual(view.state, .queued)
        let list = try await core.feedbackList()
        XCTAssertEqual(list.map(\.id), [view.id])
        try await core.shutdown()
    }
}
