package io.impetus.study.experiments;

import java.util.List;
import java.util.Map;

/**
 * What a named experiment found.
 *
 * @param supported whether this run supports the claim
 * @param evidence one line per number that decided it, e.g. {@code max |measured − predicted| / predicted = 0.3%}
 * @param table rows of measurements (flat maps with the same keys), for summary.json and the report
 */
public record Outcome(boolean supported, List<String> evidence, List<Map<String, Object>> table) {}
