// The words for "closed, and when it opens again" (shared-ui/hours.js) at
// fixed instants, in both languages, by the office's calendar: today,
// tomorrow, a weekday within six days, a date beyond; an office whose zone
// is not the machine's (this process runs in New York time on purpose);
// the reason in the screen's language or the office's first; and the
// timer that asks for a refresh when the office opens, closes or its day
// changes; "Tutup pukul 16.00" within the hour before closing.
import { describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

// Before anything formats a date: the machine is neither the office's zone
// nor UTC, so a helper that used the device's zone would say other days.
process.env.TZ = "America/New_York";

const { useStrings } = await import("../../shared-ui/i18n.js");
const { closedText, closesText, localDay, opensText, reasonIn, Reopening, sameClosure } = await import("../../shared-ui/hours.js");

/** @param {"id" | "en"} lang */
function use(lang) {
  useStrings(lang, JSON.parse(fs.readFileSync(new URL(`../../shared-ui/i18n/${lang}.json`, import.meta.url), "utf8")));
}

const JKT = "Asia/Jakarta";
/** Wednesday 2 December 2026, 10:00 in Jakarta (03:00 UTC; Tuesday 22:00 in New York). */
const NOW = Date.parse("2026-12-02T10:00:00+07:00");

describe("opensText: when it opens again", () => {
  const cases = [
    ["today", "2026-12-02T13:30:00+07:00", "Buka lagi pukul 13.30", "Opens again at 13:30"],
    ["tomorrow", "2026-12-03T07:30:00+07:00", "Buka lagi besok, 07.30", "Opens again tomorrow, 07:30"],
    ["tomorrow at midnight (no hours set)", "2026-12-03T00:00:00+07:00", "Buka lagi besok, 00.00", "Opens again tomorrow, 00:00"],
    ["in five days", "2026-12-07T07:30:00+07:00", "Buka lagi Senin, 07.30", "Opens again Monday, 07:30"],
    ["in six days", "2026-12-08T08:00:00+07:00", "Buka lagi Selasa, 08.00", "Opens again Tuesday, 08:00"],
    ["in seven days: with the date", "2026-12-09T07:30:00+07:00", "Buka lagi Rabu, 9 Desember, 07.30", "Opens again Wednesday, 9 December, 07:30"],
    ["next year", "2027-01-04T07:30:00+07:00", "Buka lagi Senin, 4 Januari, 07.30", "Opens again Monday, 4 January, 07:30"],
    ["an instant written in UTC, worded in the office's zone", "2026-12-03T00:30:00Z", "Buka lagi besok, 07.30", "Opens again tomorrow, 07:30"],
    ["a moment ago by this clock (the server not yet open)", "2026-12-02T09:59:00+07:00", "Buka lagi pukul 09.59", "Opens again at 09:59"],
  ];
  for (const [name, at, id, en] of cases) {
    it(name, () => {
      use("id");
      assert.equal(opensText(at, JKT, NOW), id);
      use("en");
      assert.equal(opensText(at, JKT, NOW), en);
    });
  }

  it("no opening planned", () => {
    use("id");
    assert.equal(opensText(null, JKT, NOW), "Jadwal buka berikutnya belum ditetapkan");
    use("en");
    assert.equal(opensText(null, JKT, NOW), "No reopening has been set yet");
  });

  it("the day is the office's, not the machine's or UTC's", () => {
    // 16:30 UTC on 1 December: 23:30 Tuesday in Jakarta, 01:30 Wednesday in
    // Jayapura (UTC+9), 11:30 Tuesday in New York (this machine).
    const now = Date.parse("2026-12-01T16:30:00Z");
    const opens = "2026-12-02T07:30:00+07:00"; // 00:30 UTC
    use("id");
    assert.equal(opensText(opens, "Asia/Jakarta", now), "Buka lagi besok, 07.30");
    assert.equal(opensText(opens, "Asia/Jayapura", now), "Buka lagi pukul 09.30");
    assert.equal(opensText(opens, "America/New_York", now), "Buka lagi pukul 19.30");
    // A weekday too: Sunday 07:30 in Jakarta is Saturday evening in New York.
    assert.equal(opensText("2026-12-06T07:30:00+07:00", JKT, NOW), "Buka lagi Minggu, 07.30");
    use("en");
    assert.equal(opensText("2026-12-06T07:30:00+07:00", JKT, NOW), "Opens again Sunday, 07:30");
    assert.equal(localDay(now, "Asia/Jakarta") + 1, localDay(now, "Asia/Jayapura"));
  });
});

describe("closedText: why and when", () => {
  const natal = { open: false, closed_reason: { en: "Christmas Day", id: "Hari Raya Natal" }, opens_at: "2026-12-28T07:30:00+07:00" };
  // Friday 25 December 2026, 09:00 in Jakarta.
  const xmas = Date.parse("2026-12-25T09:00:00+07:00");

  it("a closed day with its reason, in each language", () => {
    use("id");
    assert.deepEqual(closedText(natal, { timeZone: JKT, languages: ["id", "en"], now: xmas }), {
      why: "Tutup: Hari Raya Natal",
      when: "Buka lagi Senin, 07.30",
    });
    use("en");
    assert.deepEqual(closedText(natal, { timeZone: JKT, languages: ["id", "en"], now: xmas }), {
      why: "Closed: Christmas Day",
      when: "Opens again Monday, 07:30",
    });
  });

  it("the reason in the office's first language when the screen's is missing", () => {
    use("en");
    assert.equal(reasonIn({ id: "Cuti bersama" }, ["id", "en"]), "Cuti bersama");
    // The server's map is alphabetical: "en" first, but the office speaks Indonesian first.
    use("id");
    assert.equal(reasonIn({ en: "Closed", jv: "Prei" }, ["jv", "id"]), "Prei");
    assert.equal(reasonIn(null), null);
  });

  it("after hours (no reason): the screen's own words", () => {
    const evening = { open: false, closed_reason: null, opens_at: "2026-12-03T07:30:00+07:00" };
    use("id");
    assert.deepEqual(closedText(evening, { timeZone: JKT, now: NOW }), { why: "Tutup", when: "Buka lagi besok, 07.30" });
    assert.equal(closedText(evening, { timeZone: JKT, now: NOW, closed: "Kantor sedang tutup" })?.why, "Kantor sedang tutup");
  });

  it("nothing while open; the same closure told once", () => {
    assert.equal(closedText({ open: true, closed_reason: null, opens_at: null }, { timeZone: JKT }), null);
    assert.ok(sameClosure(natal, { ...natal, closed_reason: { ...natal.closed_reason } }));
    assert.ok(!sameClosure(natal, { ...natal, opens_at: "2026-12-28T08:00:00+07:00" }));
    assert.ok(!sameClosure(natal, { ...natal, open: true }));
  });
});

describe("Reopening: refresh when it opens", () => {
  it("asks for a refresh a second after opens_at, not before, and again if nothing came back", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      let now = Date.parse("2026-12-02T13:00:00+07:00");
      let refreshed = 0;
      const r = new Reopening(() => refreshed++, () => now);
      r.watch(JKT, [
        { open: false, closed_reason: null, opens_at: "2026-12-02T13:30:00+07:00" },
        { open: false, closed_reason: null, opens_at: "2026-12-02T14:00:00+07:00" },
        { open: true, closed_reason: null, opens_at: null },
      ]);
      const step = (/** @type {number} */ ms) => {
        now += ms;
        mock.timers.tick(ms);
      };
      for (let i = 0; i < 60; i++) step(30_000); // 13:30:00
      assert.equal(refreshed, 0);
      step(1_000); // 13:30:01
      step(30_000);
      assert.equal(refreshed, 1);
      // The refresh failed (no watch() with new data): tried again.
      step(30_000);
      assert.equal(refreshed, 2);
      // Open now: nothing more.
      r.watch(JKT, [{ open: true, closed_reason: null, opens_at: null }]);
      step(3_600_000);
      assert.equal(refreshed, 2);
      r.stop();
    } finally {
      mock.timers.reset();
    }
  });

  it("refreshes when the office's day changes, so 'besok' does not outlive midnight", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      let now = Date.parse("2026-12-02T23:59:00+07:00");
      let refreshed = 0;
      const r = new Reopening(() => refreshed++, () => now);
      r.watch(JKT, [{ open: false, closed_reason: null, opens_at: "2026-12-03T07:30:00+07:00" }]);
      now += 30_000;
      mock.timers.tick(30_000);
      assert.equal(refreshed, 0);
      now += 31_000; // 00:00:01 in Jakarta
      mock.timers.tick(31_000);
      assert.equal(refreshed, 1);
      r.stop();
    } finally {
      mock.timers.reset();
    }
  });
});

describe("closes_at: when something open closes", () => {
  const open = (/** @type {string | null} */ closes_at) => ({ open: true, closed_reason: null, opens_at: null, closes_at });

  it("says when it closes only within the hour, in each language", () => {
    use("id");
    assert.equal(closesText(open("2026-12-02T10:45:00+07:00"), JKT, NOW), "Tutup pukul 10.45");
    assert.equal(closesText(open("2026-12-02T11:00:00+07:00"), JKT, NOW), "Tutup pukul 11.00");
    assert.equal(closesText(open("2026-12-02T11:01:00+07:00"), JKT, NOW), null);
    assert.equal(closesText(open(null), JKT, NOW), null);
    assert.equal(closesText({ ...open("2026-12-02T10:45:00+07:00"), open: false }, JKT, NOW), null);
    use("en");
    assert.equal(closesText(open("2026-12-02T10:45:00+07:00"), JKT, NOW), "Closes at 10:45");
    use("id");
  });

  it("refreshes an hour before closing (for the words) and a second after it (for the button)", () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      let now = Date.parse("2026-12-02T14:00:00+07:00");
      let refreshed = 0;
      const r = new Reopening(() => refreshed++, () => now);
      const watch = () => r.watch(JKT, [open("2026-12-02T16:00:00+07:00")]);
      watch();
      const step = (/** @type {number} */ ms) => {
        now += ms;
        mock.timers.tick(ms);
      };
      for (let i = 0; i < 120; i++) step(30_000); // 15:00:00
      assert.equal(refreshed, 0);
      step(1_000);
      step(30_000);
      assert.equal(refreshed, 1);
      watch(); // the refresh came back: still open until 16.00
      for (let i = 0; i < 118; i++) step(30_000); // 16:00:01
      assert.equal(refreshed, 1);
      step(30_000);
      assert.equal(refreshed, 2);
      r.stop();
    } finally {
      mock.timers.reset();
    }
  });
});
