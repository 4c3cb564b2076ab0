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

  /** The rate as typed on the command line and written to summary.json: {@code 1gbit}, or {@code none}. */
  @Override
  public String toString() {
    return tc == null ? "none" : tc;
  }
}
