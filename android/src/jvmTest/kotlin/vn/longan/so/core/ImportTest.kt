package vn.longan.so.core

import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ImportTest {
    @Test
    fun aCatalogueGivenAsBytesIsImportedAndSearchable() = runBlocking {
        val core = openFreshCore()
        val summary = core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertEquals(73uL, summary.added)
        assertEquals(73uL, core.catalogInfo().procedures)
        assertEquals("3.000323", core.search(SearchQuery(text = "giam sat viec giam ho", limit = 1u)).hits.first().code)
        val again = core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertEquals(73uL, again.unchanged)
        core.shutdown()
    }

    @Test
    fun aSeedFileWithDetailsIsImportedFromPaths() = runBlocking {
        val core = openFreshCore()
        val summary = core.importSeedFile(Seed.civilStatusCsv.absolutePath, Seed.detailsDir.absolutePath)
        assertEquals(73uL, summary.catalog.added)
        val details = summary.details ?: error("details were given")
        assertTrue(details.read >= 20uL)
        assertTrue(core.catalogInfo().bytesOnDisk > 0uL)
        core.shutdown()
    }

    @Test
    fun aFileThatIsNotACatalogueIsInvalidInputAndChangesNothing() = runBlocking {
        val core = openFreshCore()
        try {
            core.importCatalogBytes("not,a,catalogue\n1,2,3\n".toByteArray())
            fail("garbage was imported")
        } catch (error: LonganException.InvalidInput) {
            assertTrue(error.userMessage.isNotEmpty())
        }
        assertEquals(0uL, core.catalogInfo().procedures)
        core.shutdown()
    }

    @Test
    fun aCancelledImportFailsAsCancelledAndWritesNothing() = runBlocking {
        val core = openFreshCore()
        val handle = CancelHandle()
        handle.cancel()
        try {
            core.importCatalogBytes(Seed.civilStatusCsv.readBytes(), handle)
            fail("a cancelled import went through")
        } catch (error: LonganException.Cancelled) {
            assertTrue(handle.isCancelled())
        }
        assertEquals(0uL, core.catalogInfo().procedures)
        core.shutdown()
    }

    @Test
    fun aCancelledCoroutineLeavesTheCoreWholeAndUsable() = runBlocking {
        val core = openFreshCore()
        val bytes = Seed.nationalCsv.readBytes()
        try {
            withTimeout(1) { core.importCatalogBytes(bytes) }
        } catch (expected: TimeoutCancellationException) {
        }
        // All or nothing: either the import finished before the cancel reached it, or nothing.
        val count = core.catalogInfo().procedures
        assertTrue("$count procedures", count == 0uL || count > 5000uL)
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertTrue(core.catalogInfo().procedures >= 73uL)
        core.shutdown()
    }
}
