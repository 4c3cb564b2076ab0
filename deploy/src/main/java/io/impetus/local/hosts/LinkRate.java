package io.impetus.local.hosts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rate each simulated host's link is shaped to, in both directions, written as tc writes rates
 * ({@code 1gbit}, {@code 500mbit}, {@code 10gbit}, {@code 125mbps}), or {@link #NONE} for links
 * that are not shaped at all.
 *
 * @param tc the rate as given to {@code tc qdisc ... tbf rate}, lower case; null for {@link #NONE}
 */
public record LinkRate(String tc) {
  // Before the constants below, which the constructor checks against it.
  private static final Pattern RATE = Pattern.compile(
      "([0-9]+(\\.[0-9]+)?)(bit|kbit|mbit|gbit|tbit|kibit|mibit|gibit|tibit|bps|kbps|mbps|gbps|tbps|kibps|mibps|gibps|tibps)");

  /** Unshaped links ({@code --link-rate none}). */
  public static final LinkRate NONE = new LinkRate(null);

  /** {@code --simulate-hosts} without {@code --link-rate}: a gigabit link, as between ordinary servers. */
  public static final LinkRate DEFAULT = new LinkRate("1gbit");

  /** Checks {@code tc} when not null: a rate in tc's syntax, above zero. */
  public LinkRate {
    if (tc != null && !RATE.matcher(tc).matches()) {
      throw new IllegalArgumentException("not a tc rate: " + tc);
    }
  }

  /**
   * The rate {@code text} names: {@code none}, or a positive number followed by one of tc's units
   * (bit, kbit, mbit, gbit, tbit, their -ibit forms, and the byte rates bps, kbps, ...), in any case.
   *
   * @throws IllegalArgumentException saying what is expected, with examples (the command line adds the
   *     flag's name)
   */
  public static LinkRate parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none")) {
      return NONE;
    }
    var m = RATE.matcher(t);
    if (!m.matches() || Double.parseDouble(m.group(1)) <= 0) {
      throw new IllegalArgumentException("expected a rate in tc's syntax (e.g. 1gbit, 10gbit, 500mbit) or none,"
          + " got '" + text + "'");
    }
    return new LinkRate(t);
  }

  /** Whether links are shaped (not {@link #NONE}). */
  public boolean shaped() {
    return tc != null;
  }

  /**
   * The rate in bits per second, as tc reads it: {@code k}, {@code m}, {@code g}, {@code t} are powers
   * of 1000 and the {@code -i} forms powers of 1024; the {@code bps} units count bytes, not bits.
   *
   * @throws IllegalStateException for {@link #NONE}, whose links have no rate
   */
  public double bitsPerSecond() {
    if (tc == null) {
      throw new IllegalStateException("unshaped links have no rate");
    }
    var m = RATE.matcher(tc);
    if (!m.matches()) {
      throw new AssertionError(tc);
    }
    String unit = m.group(3);
    boolean bytes = unit.endsWith("bps");
    String prefix = unit.substring(0, unit.length() - 3); // "bit" and "bps" alike
    double scale = switch (prefix) {
      case "" -> 1;
      case "k" -> 1e3;
      case "m" -> 1e6;
      case "g" -> 1e9;
      case "t" -> 1e12;
      case "ki" -> 1024.0;
      case "mi" -> 1024.0 * 1024;
      case "gi" -> 1024.0 * 1024 * 1024;
      case "ti" -> 1024.0 * 1024 * 1024 * 1024;
      default -> throw new AssertionError(unit);
    };
    return Double.parseDouble(m.group(1)) * scale * (bytes ? 8 : 1);
  }

  /** The rate as typed on the command line and written to summary.json: {@code 1gbit}, or {@code none}. */
  @Override
  public String toString() {
    return tc == null ? "none" : tc;
  }
}
