package io.impetus.local.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkRateTest {
  @Test
  void tcRatesAreAcceptedInAnyCaseAndKeptInLowerCase() {
    for (String rate : new String[] {"1gbit", "10gbit", "500mbit", "2.5gbit", "100kbit", "125mbps", "1Gbit", " 1GBIT ",
        "800mibit", "9600bit"}) {
      LinkRate r = LinkRate.parse(rate);
      assertTrue(r.shaped(), rate);
      assertEquals(rate.trim().toLowerCase(), r.tc());
      assertEquals(r.tc(), r.toString());
    }
  }

  @Test
  void noneMeansUnshaped() {
    assertFalse(LinkRate.parse("none").shaped());
    assertFalse(LinkRate.parse("NONE").shaped());
    assertEquals("none", LinkRate.NONE.toString());
    assertEquals("1gbit", LinkRate.DEFAULT.toString());
  }

  @Test
  void badRatesAreRefusedWithExamples() {
    for (String bad : new String[] {"", "1", "gbit", "1gb", "1gbyte", "-1gbit", "0gbit", "0.0mbit", "1 gbit", "1e9bit",
        "fast", "1gbit;reboot"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkRate.parse(bad), bad);
      assertTrue(e.getMessage().contains("1gbit") && e.getMessage().contains("none"), e.getMessage());
    }
  }

  @Test
  void bitsPerSecondReadsUnitsAsTcDoesDecimalBinaryAndBytes() {
    assertEquals(1e9, LinkRate.parse("1gbit").bitsPerSecond());
    assertEquals(2.5e9, LinkRate.parse("2.5gbit").bitsPerSecond());
    assertEquals(500e6, LinkRate.parse("500mbit").bitsPerSecond());
    assertEquals(9600, LinkRate.parse("9600bit").bitsPerSecond());
    assertEquals(800.0 * 1024 * 1024, LinkRate.parse("800mibit").bitsPerSecond());
    // bps is bytes per second in tc: 125 MB/s is a gigabit
    assertEquals(1e9, LinkRate.parse("125mbps").bitsPerSecond());
    assertEquals(8.0 * 1024, LinkRate.parse("1kibps").bitsPerSecond());
    assertThrows(IllegalStateException.class, LinkRate.NONE::bitsPerSecond);
  }
}
