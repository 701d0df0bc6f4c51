package vn.longan.so.core

import java.net.URI
import java.net.URLEncoder
import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** The app's keystore, in memory. */
class MemorySecureStorage : SecureStorage {
    val values = ConcurrentHashMap<String, ByteArray>()
    override fun get(name: String): ByteArray? = values[name]
    override fun put(name: String, value: ByteArray) {
        values[name] = value
    }
    override fun delete(name: String) {
        values.remove(name)
    }
}

/** Sign-in against the OpenID provider the test script started, profiles and feedback. */
class LoginTest {
    private val issuer: String =
        System.getProperty("longan.oidc.issuer") ?: error("longan.oidc.issuer is not set")

    private fun login() = LoginSettings(
        issuer = issuer,
        clientId = "longan-app",
        redirectUri = "vn.gov.longanso:/oauth2redirect",
        postLogoutRedirectUri = "vn.gov.longanso:/logout",
    )

    /** The test provider's server-side browser: signs the hinted account in, returns the redirect. */
    private fun browse(authorizationUrl: String): String {
        val encoded = URLEncoder.encode(authorizationUrl, Charsets.UTF_8)
        return URI("$issuer/test/browse?url=$encoded").toURL().readText()
    }

    @Test
    fun aCitizenSignsInThroughTheBrowserAndOutAgain() = runBlocking {
        val storage = MemorySecureStorage()
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), login = login()), secureStorage = storage)
        core.open()
        assertEquals(SessionState.SIGNED_OUT, core.session().state)
        val url = core.startLogin(loginHint = "citizen-1")
        assertTrue(url, url.contains("code_challenge_method=S256"))
        assertEquals(SessionState.AWAITING_REDIRECT, core.session().state)
        val session = core.completeLogin(browse(url))
        assertEquals(SessionState.SIGNED_IN, session.state)
        assertEquals("Trần Thị Lan", session.displayName)
        assertFalse(session.isDemo)
        // Tokens and the profile's key went to the app's storage, not to the data directory.
        assertTrue(storage.values.keys.any { it.startsWith("tokens.") })
        assertTrue(storage.values.keys.any { it.startsWith("profile-key.") })
        val out = core.logout()
        assertNotNull(out.endSessionUrl)
        assertFalse(out.profileRemoved)
        assertEquals(SessionState.SIGNED_OUT, core.session().state)
        assertFalse(storage.values.keys.any { it.startsWith("tokens.") })
        core.shutdown()
    }

    @Test
    fun aSignedInCitizenSeesTheirOwnDossiersFromThePortal() = runBlocking {
        val portalUrl = System.getProperty("longan.portal.url") ?: error("longan.portal.url is not set")
        val core = LonganCore(
            CoreConfig(dataDir = freshDataDir(), portalUrl = portalUrl, login = login()),
            secureStorage = MemorySecureStorage(),
        )
        core.open()
        try {
            core.myDossiers()
            fail("my dossiers without a sign-in")
        } catch (expected: LonganException.AuthRequired) {
        }
        core.completeLogin(browse(core.startLogin(loginHint = "citizen-1")))
        val mine = core.myDossiers()
        assertEquals(3, mine.size)
        assertTrue(mine.all { it.applicant == "Trần T** L**" })
        // The feed's history is a baseline: nothing floods the inbox.
        assertEquals(0u, core.syncFeed())
        assertEquals(0u, core.syncFeed())
        core.logout()
        core.shutdown()
    }

    @Test
    fun aRedirectFromAnotherSignInIsAnAuthError() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), login = login()), secureStorage = MemorySecureStorage())
        core.open()
        val first = core.startLogin()
        core.startLogin()
        try {
            core.completeLogin(browse(first))
            fail("a stale redirect signed in")
        } catch (expected: LonganException.AuthRequired) {
        }
        core.shutdown()
    }

    @Test
    fun profilesKeepTheirDossiersApartAndAnAssistedOneIsWipedAtSignOut() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), login = login()), secureStorage = MemorySecureStorage())
        core.open()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val own = core.listProfiles().single()
        assertTrue(own.current)
        val helped = core.addProfile("Bà Tư", assisted = true)
        core.switchProfile(helped.id)
        val demo = core.demoDossiers().first()
        core.lookUpDossier(demo.code, demo.verifier)
        core.setDossierFollowed(demo.code, true)
        core.completeLogin(browse(core.startLogin(loginHint = "citizen-2")))
        core.switchProfile(own.id)
        assertTrue(core.followedDossiers().isEmpty())
        assertEquals(SessionState.SIGNED_OUT, core.session().state)
        core.switchProfile(helped.id)
        assertEquals(1, core.followedDossiers().size)
        assertTrue(core.logout().profileRemoved)
        assertEquals(listOf(own.id), core.listProfiles().map { it.id })
        core.shutdown()
    }

    @Test
    fun feedbackWrittenWithoutAPortalWaitsInTheOutbox() = runBlocking {
        val core = openFreshCore()
        val view = core.sendFeedback(FeedbackDraft(category = FeedbackCategory.INFRASTRUCTURE, text = "Đèn đường ấp 3 bị hỏng"))
        assertEquals(FeedbackState.QUEUED, view.state)
        assertEquals(listOf(view.id), core.feedbackList().map { it.id })
        try {
            core.sendFeedback(FeedbackDraft(category = FeedbackCategory.OTHER, text = "  "))
            fail("an empty feedback was queued")
        } catch (expected: LonganException.InvalidInput) {
        }
        core.shutdown()
    }
}
