package vn.longan.so.core

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

/** Dossier tracking on the offline demo (no portal configured). */
class DossierTest {
    @Test
    fun aDemoDossierIsLookedUpFollowedAndListedOffline() = runBlocking {
        val core = openFreshCore()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val demo = core.demoDossiers().first()
        val dossier = core.lookUpDossier(demo.code.lowercase(), demo.verifier)
        assertEquals(demo.code, dossier.code)
        assertEquals(DossierStatus.REGISTERED, dossier.status)
        assertEquals(1.toUByte(), dossier.statusNumber)
        assertTrue(dossier.applicant.contains('*'))
        assertFalse(dossier.followed)
        assertTrue(dossier.timeline.isNotEmpty())
        val followed = core.setDossierFollowed(dossier.code, true)
        assertTrue(followed.followed)
        val list = core.followedDossiers()
        assertEquals(listOf(dossier.code), list.map { it.code })
        assertTrue(list.first().due is DueInfo.NotScheduled)
        // The volunteer fast-forwards the story: the dossier moves on, and the history grows.
        core.advanceDemo(15u)
        val moved = core.lookUpDossier(dossier.code, demo.verifier)
        assertTrue(moved.statusNumber > 1.toUByte())
        assertTrue(moved.version > dossier.version)
        assertEquals(dossier.timeline.first().id, moved.timeline.first().id)
        core.resetDemo()
        core.shutdown()
    }

    @Test
    fun aVolunteerSignsInAsTheDemoCitizenAndShowsALateDossierGettingANewDate() = runBlocking {
        val core = openFreshCore()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        assertEquals(SessionState.SIGNED_OUT, core.session().state)
        try {
            core.myDossiers()
            fail("my dossiers without a sign-in")
        } catch (expected: LonganException.AuthRequired) {
        }
        val session = core.signInDemo()
        assertEquals(SessionState.SIGNED_IN, session.state)
        assertTrue(session.isDemo)
        assertEquals("Nguyễn V** M**", session.displayName)
        val mine = core.myDossiers()
        assertEquals(core.demoDossiers().map { it.code }.toSet(), mine.map { it.code }.toSet())
        val late = mine.filter { it.due is DueInfo.Overdue }
        assertEquals(1, late.size)
        assertEquals(1, late.single().appointmentHistory.size)
        // Four minutes into the story the office sets a new date and apologises.
        core.advanceDemo(5u)
        val rescheduled = core.myDossiers().single { it.code == late.single().code }
        assertEquals(2, rescheduled.appointmentHistory.size)
        assertTrue(rescheduled.appointmentHistory.last().apology)
        assertTrue(rescheduled.due.toString(), rescheduled.due is DueInfo.DueIn)
        core.signOut()
        assertEquals(SessionState.SIGNED_OUT, core.session().state)
        assertFalse(core.session().isDemo)
        core.shutdown()
    }

    @Test
    fun aWrongVerifierIsNotFoundAndAGarbageCodeIsInvalidInput() = runBlocking {
        val core = openFreshCore()
        core.importCatalogBytes(Seed.civilStatusCsv.readBytes())
        val demo = core.demoDossiers().first()
        val wrong = if (demo.verifier == "0000") "1111" else "0000"
        try {
            core.lookUpDossier(demo.code, wrong)
            fail("a wrong verifier unlocked a dossier")
        } catch (expected: LonganException.NotFound) {
        }
        try {
            core.lookUpDossier("??", "1234")
            fail("garbage was taken for a code")
        } catch (expected: LonganException.InvalidInput) {
        }
        core.shutdown()
    }

    @Test
    fun codesAreReadFromWhatCitizensTypeAndFromReceiptQrCodes() {
        assertEquals("000.00.12.H39-250315-0042", parseDossierCode(" 000.00.12.h39 – 250315 – 0042 "))
        assertEquals(
            "000.00.12.H39-250315-0042",
            dossierCodeFromQr("https://dichvucong.tayninh.gov.vn/tra-cuu-ho-so?ma=000.00.12.H39-250315-0042"),
        )
        try {
            dossierCodeFromQr("hello")
            fail("no code in that payload")
        } catch (expected: LonganException.InvalidInput) {
        }
    }

    @Test
    fun anOldDistrictNameFindsTheCommunesThatNowCoverIt() {
        val found = searchPlaces("huyện Tân Trụ").map { it.currentName }.toSortedSet()
        assertEquals(sortedSetOf("Xã Nhựt Tảo", "Xã Tân Trụ", "Xã Vàm Cỏ"), found)
        assertTrue(searchPlaces("Tân Trụ").any { it.matchedIsOld })
    }

    @Test
    fun procedureDetailsSayWhenTheResultIsDueIfFiledToday() = runBlocking {
        val detail = SeededCore.core.procedure("1.001193")
        val channels = detail.record?.channels ?: error("no full record")
        val due = channels.firstNotNullOfOrNull { it.dueIfFiledToday } ?: error("no due date")
        val date = java.time.LocalDate.of(due.year, due.month.toInt(), due.day.toInt())
        assertFalse(date.isBefore(java.time.LocalDate.now(java.time.ZoneId.of("Asia/Ho_Chi_Minh"))))
    }
}

