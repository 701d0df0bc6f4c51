package vn.longan.so.core

import java.io.File
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import vn.longan.so.core.docs.CatalogEvents
import vn.longan.so.core.docs.SearchAsYouType
import vn.longan.so.core.docs.describe
import vn.longan.so.core.docs.highlightedParts
import vn.longan.so.core.docs.importWithStopButton
import vn.longan.so.core.docs.openLonganCore
import vn.longan.so.core.docs.shouldOfferRetry

/** Runs the snippets of docs/integrating-android.md, so the guide shows code that works. */
class DocSnippetsTest {
    @Test
    fun theGuidesOpeningCodeSeedsAnEmptyCoreAndLogsToLogcat() = runBlocking {
        val changed = CountDownLatch(1)
        val core = openLonganCore(File(freshDataDir()), { Seed.civilStatusCsv.readBytes() }, CatalogEvents { changed.countDown() })
        assertEquals(73uL, core.catalogInfo().procedures)
        assertTrue(changed.await(10, TimeUnit.SECONDS))
        assertTrue(android.util.Log.lines.any { it.contains("imported catalogue rows") })
        core.shutdown()
    }

    @Test
    fun theGuidesSearchAsYouTypeShowsTheLastQuerysPage() = runBlocking {
        val core = SeededCore.core
        val shown = CountDownLatch(1)
        var page: SearchPage? = null
        SearchAsYouType(core, this).onTextChanged("dang ky khai sinh", { page = it; shown.countDown() }, { })
        while (shown.count > 0) kotlinx.coroutines.delay(10)
        val hit = page!!.hits.first()
        assertEquals(listOf("đăng ký khai sinh"), highlightedParts(hit))
    }

    @Test
    fun theGuidesStopButtonReturnsNothingAndWritesNothing() = runBlocking {
        val core = LonganCore(CoreConfig(dataDir = freshDataDir()))
        core.open()
        val stop = CancelHandle()
        stop.cancel()
        assertNull(importWithStopButton(core, Seed.civilStatusCsv.readBytes(), stop))
        assertEquals(0uL, core.catalogInfo().procedures)
        core.shutdown()
    }

    @Test
    fun theGuidesErrorHandlingGivesTheUserMessage() = runBlocking {
        try {
            SeededCore.core.search(SearchQuery(text = ""))
            org.junit.Assert.fail("an empty query was accepted")
        } catch (error: LonganException) {
            assertTrue(describe(error).isNotEmpty())
            assertFalse(shouldOfferRetry(error))
        }
        Unit
    }
}
