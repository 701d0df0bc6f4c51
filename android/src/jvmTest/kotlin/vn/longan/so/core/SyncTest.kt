package vn.longan.so.core

import java.net.ServerSocket
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** Catalogue sync against the reference portal the test script started. */
class SyncTest {
    private val portalUrl: String =
        System.getProperty("longan.portal.url") ?: error("longan.portal.url is not set")

    @Test
    fun aFirstSyncTakesTheWholeCatalogueAndTheNextOneIsNotModified() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), portalUrl = portalUrl))
        core.open()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val first = core.syncCatalog()
        assertTrue(first.fullSnapshot)
        assertTrue(first.upserts > 1000uL)
        assertEquals(first.upserts, core.catalogInfo().procedures)
        assertEquals("1.001193", core.search(SearchQuery(text = "dang ky khai sinh", limit = 1u)).hits.first().code)
        val second = core.syncCatalog()
        assertTrue(second.notModified)
        assertEquals(1u, second.requests)
        assertTrue(second.bytesReceived < 1024uL)
        val syncedAt = core.catalogInfo().lastSyncedAt ?: error("no sync time")
        assertTrue(java.time.Duration.between(syncedAt, java.time.Instant.now()).abs().seconds < 60)
        val record = core.refreshProcedure("1.001193").record ?: error("no full record")
        assertTrue(record.steps.isNotEmpty())
        core.shutdown()
    }

    @Test
    fun withoutAPortalASyncIsInvalidInput() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir()))
        core.open()
        try {
            core.syncCatalog()
            fail("synced without a portal")
        } catch (expected: LonganException.InvalidInput) {
        }
        core.shutdown()
    }

    @Test
    fun anUnreachablePortalIsOfflineRetryableAndTheCatalogueStays() = runBlocking {
        val closedPort = ServerSocket(0).use { it.localPort }
        val core = LonganCore(CoreConfig(dataDir = freshDataDir(), portalUrl = "http://127.0.0.1:$closedPort"))
        core.open()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        try {
            core.syncCatalog()
            fail("synced with nobody")
        } catch (error: LonganException.Offline) {
            assertTrue(error.isRetryable())
            assertFalse(error.userMessage.isEmpty())
        }
        assertEquals(73uL, core.catalogInfo().procedures)
        core.shutdown()
    }
}
