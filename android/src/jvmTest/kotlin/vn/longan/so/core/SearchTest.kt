package vn.longan.so.core

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class SearchTest {
    private val core get() = SeededCore.core

    @Test
    fun aQueryWithoutDiacriticsFindsBirthRegistrationFirst() = runBlocking {
        val page = core.search(SearchQuery(text = "dang ky khai sinh", limit = 5u))
        assertEquals("1.001193", page.hits.first().code)
        assertEquals("Thủ tục đăng ký khai sinh", page.hits.first().name)
        assertTrue(page.total >= 5uL)
    }

    @Test
    fun highlightRangesIndexTheKotlinStringDirectly() = runBlocking {
        val hit = core.search(SearchQuery(text = "dang ky khai sinh", limit = 1u)).hits.first()
        val highlighted = hit.highlights.joinToString(" ") { hit.name.substring(it.start.toInt(), it.end.toInt()) }
        assertEquals("đăng ký khai sinh", highlighted)
    }

    @Test
    fun telexKeystrokesAreDecodedAndReported() = runBlocking {
        val page = core.search(SearchQuery(text = "ddawng kys khai sinh", limit = 5u))
        assertEquals("đăng ký khai sinh", page.decodedQuery)
        assertEquals("1.001193", page.hits.first().code)
    }

    @Test
    fun pagesAreConsecutiveSlicesOfOneRanking() = runBlocking {
        val all = core.search(SearchQuery(text = "giay phep", limit = 10u)).hits.map { it.code }
        val first = core.search(SearchQuery(text = "giay phep", limit = 5u)).hits.map { it.code }
        val second = core.search(SearchQuery(text = "giay phep", offset = 5u, limit = 5u)).hits.map { it.code }
        assertEquals(all, first + second)
    }

    @Test
    fun aFieldFilterKeepsOnlyThatField() = runBlocking {
        val page = core.search(SearchQuery(text = "dang ky", field = "ho tich", limit = 50u))
        assertTrue(page.hits.isNotEmpty())
        assertTrue(page.hits.all { it.field == "Hộ tịch" })
        val unfiltered = core.search(SearchQuery(text = "dang ky", limit = 1u))
        assertTrue(unfiltered.total > page.total)
    }

    @Test
    fun theAllProvincesSwitchWidensTheResults() = runBlocking {
        val served = core.search(SearchQuery(text = "giay phep", limit = 1u)).total
        val everywhere = core.search(SearchQuery(text = "giay phep", limit = 1u, allProvinces = true)).total
        assertTrue("$everywhere > $served", everywhere > served)
    }

    @Test
    fun fieldsComeWithCountsInVietnameseOrder() = runBlocking {
        val fields = core.fields(false)
        assertTrue(fields.size > 50)
        assertTrue(fields.all { it.count > 0uL })
        val civil = fields.first { it.name == "Hộ tịch" }
        assertTrue(civil.count > 20uL)
        assertEquals("An toàn bức xạ và hạt nhân", fields.first().name)
    }

    @Test
    fun procedureDetailsCarryTheFullRecord() = runBlocking {
        val detail = core.procedure("1.001193")
        assertEquals("Thủ tục đăng ký khai sinh", detail.name)
        val record = detail.record ?: error("no full record for 1.001193")
        assertTrue(record.steps.isNotEmpty())
        assertTrue(record.channels.isNotEmpty())
        assertTrue(record.documentCases.flatMap { it.items }.isNotEmpty())
    }

    @Test
    fun tenConcurrentCallsFromCoroutinesAllSucceed() = runBlocking {
        val queries = listOf("dang ky khai sinh", "cap doi can cuoc", "giay phep lai xe", "ket hon", "ho kinh doanh")
        val expected = queries.associateWith { core.search(SearchQuery(text = it, limit = 3u)).hits.map { h -> h.code } }
        val results = (0 until 10).map { i ->
            async(Dispatchers.Default) {
                val query = queries[i % queries.size]
                query to core.search(SearchQuery(text = query, limit = 3u)).hits.map { it.code }
            }
        }.awaitAll()
        for ((query, codes) in results) {
            assertEquals(expected[query], codes)
        }
    }
}
