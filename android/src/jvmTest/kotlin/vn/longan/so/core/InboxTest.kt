package vn.longan.so.core

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** The inbox fed by local detection on the offline demo. */
class InboxTest {
    @Test
    fun aFollowedDemoDossierMovingFillsTheInboxOnceInEitherLanguage() = runBlocking {
        val dataDir = freshDataDir()
        val recorder = Recorder()
        val core = LonganCore(CoreConfig(dataDir = dataDir), listener = recorder)
        core.open()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val demo = core.demoDossiers().first()
        core.lookUpDossier(demo.code, demo.verifier)
        core.setDossierFollowed(demo.code, true)
        core.refreshFollowed()
        assertTrue("a first follow notified", core.notifications(50u).isEmpty())
        core.advanceDemo(30u)
        core.refreshFollowed()
        val notes = core.notifications(50u)
        assertTrue(notes.isNotEmpty())
        assertTrue(notes.all { it.dossierCode == demo.code && !it.read })
        assertEquals(notes.size.toULong(), core.unreadNotifications())
        assertTrue(recorder.events.any { it is CoreEvent.NotificationsAdded })
        // The same refresh again adds nothing.
        core.refreshFollowed()
        assertEquals(notes.map { it.id }, core.notifications(50u).map { it.id })
        assertTrue(core.markNotificationRead(notes.first().id))
        assertEquals((notes.size - 1).toULong(), core.unreadNotifications())
        core.shutdown()
        // Titles are rendered when read: the same inbox in English.
        val english = LonganCore(CoreConfig(dataDir = dataDir, language = Language.EN))
        english.open()
        val translated = english.notifications(50u)
        assertEquals(notes.map { it.id }, translated.map { it.id })
        assertNotEquals(notes.first().title, translated.first().title)
        english.shutdown()
    }

    @Test
    fun aPushIsANudgeAndGarbageIsIgnored() = runBlocking {
        val core = openFreshCore()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val demo = core.demoDossiers().first()
        core.lookUpDossier(demo.code, demo.verifier)
        core.setDossierFollowed(demo.code, true)
        val garbage = core.handlePush("{not json")
        assertTrue(!garbage.handled && garbage.ignoredBecause != null)
        core.advanceDemo(30u)
        val push = "{\"data\":{\"type\":\"dossier\",\"code\":\"${demo.code}\",\"title\":\"spoof\"}}"
        val handled = core.handlePush(push)
        assertTrue(handled.handled && handled.notified > 0u)
        assertTrue(core.notifications(50u).none { it.title.contains("spoof") })
        assertEquals(0u, core.handlePush(push).notified)
        val background = core.backgroundRefresh(30u)
        assertEquals(1u, background.refreshed)
        assertEquals(0u, background.skipped)
        core.shutdown()
    }

    @Test
    fun aPushTokenIsKeptUntilSomeoneSignsInAndAMalformedOneIsRefused() = runBlocking {
        val core = openFreshCore()
        val installation = core.installationId()
        assertEquals(32, installation.length)
        assertEquals(installation, core.installationId())
        assertFalse("nobody is signed in", core.registerPushToken(PushPlatform.FCM, "fcm:token-1"))
        val refused = runCatching { core.registerPushToken(PushPlatform.FCM, "with space") }
        val error = refused.exceptionOrNull()
        assertTrue("$error", error is LonganException.InvalidInput)
        assertFalse(error!!.message!!.contains("with space"))
        val push = """{"data":{"type":"feed"}}"""
        assertEquals("You have a new notification", pushNotice(push, Language.EN))
        assertEquals(null, pushNotice("[1]", null))
        core.shutdown()
    }
}
