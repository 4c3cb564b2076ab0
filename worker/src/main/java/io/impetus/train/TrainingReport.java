package io.impetus.train;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.impetus.json.FiniteJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * A worker's totals at the end of training.
 *
 * @param worker rank
 * @param steps steps taken
 * @param samples examples processed
 * @param startMillis wall-clock time of the first step (epoch ms)
 * @param endMillis wall-clock time the last reply arrived (epoch ms)
 * @param finalLoss the last minibatch loss
 * @param meanStaleness mean over steps of the largest per-shard staleness
 * @param maxStaleness the largest staleness seen
 * @param dropped steps whose gradient some shard dropped
 * @param rejoins times the worker had to join again after its lease expired
 * @param steadySamplesPerSecond this worker's rate over its last 80% of steps, once the JVM has
 *     compiled the hot code (NaN for runs too short to tell)
 * @param cpuSeconds CPU time the worker's process used during training (all its threads: compute,
 *     encoding, the transport), NaN where unknown
 * @param processId the worker's process: workers that share a JVM report the same process CPU, and
 *     whoever adds up reports must count it once
 * @param dataPlanes per shard, how the pushes reached it at the end ({@code ShardedClient#dataPlanes})
 */
public record TrainingReport(
    int worker, long steps, long samples, long startMillis, long endMillis, double finalLoss, double meanStaleness,
    long maxStaleness, long dropped, long rejoins, double steadySamplesPerSecond, double cpuSeconds,
    long processId, java.util.List<String> dataPlanes) {

  public TrainingReport {
    dataPlanes = java.util.List.copyOf(dataPlanes);
  }

  /** Seconds between the first step and the last reply. */
  public double seconds() {
    return (endMillis - startMillis) / 1000.0;
  }

  /**
   * The report as a JSON object on one line (the worker's report file), written with Jackson in the
   * layout this file has always had: {@code {"worker": 0, "steps": 10, ..., "data_plane": ["grpc"]}}
   * and a line break. Doubles print as {@link Double#toString} does, mean_staleness with six decimals;
   * a figure that is not finite is {@code null}, with a note after data_plane ({@code final_loss_note},
   * ...) that says why, as {@link FiniteJson} words it.
   */
  public String toJson() {
    StringWriter out = new StringWriter(320);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setPrettyPrinter(new OneLine());
      g.writeStartObject();
      g.writeNumberField("worker", worker);
      g.writeNumberField("steps", steps);
      g.writeNumberField("samples", samples);
      g.writeNumberField("start_millis", startMillis);
      g.writeNumberField("end_millis", endMillis);
      number(g, "final_loss", finalLoss, Double.toString(finalLoss));
      number(g, "mean_staleness", meanStaleness, String.format(Locale.ROOT, "%.6f", meanStaleness));
      g.writeNumberField("max_staleness", maxStaleness);
      g.writeNumberField("dropped", dropped);
      g.writeNumberField("rejoins", rejoins);
      number(g, "steady_samples_per_second", steadySamplesPerSecond, Double.toString(steadySamplesPerSecond));
      number(g, "cpu_seconds", cpuSeconds, Double.toString(cpuSeconds));
      g.writeNumberField("process_id", processId);
      g.writeArrayFieldStart("data_plane");
      for (String plane : dataPlanes) {
        g.writeString(plane);
      }
      g.writeEndArray();
      note(g, "final_loss", finalLoss, "the last minibatch loss was not finite, the run diverged");
      note(g, "mean_staleness", meanStaleness, "no step measured a staleness");
      note(g, "steady_samples_per_second", steadySamplesPerSecond, "too few steps after the warm-up to measure a steady rate");
      note(g, "cpu_seconds", cpuSeconds, "this JVM does not report process CPU time");
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not throw
    }
    return out.append(System.lineSeparator()).toString();
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** {@code text} (the value as it should read) as field {@code name}, or null if {@code value} is not finite. */
  private static void number(JsonGenerator g, String name, double value, String text) throws IOException {
    g.writeFieldName(name);
    if (Double.isFinite(value)) {
      g.writeNumber(text);
    } else {
      g.writeNull();
    }
  }

  /** Field {@code name + "_note"} saying {@code why}, if {@code value} is not finite (so was written as null). */
  private static void note(JsonGenerator g, String name, double value, String why) throws IOException {
    if (!Double.isFinite(value)) {
      g.writeStringField(name + FiniteJson.NOTE, FiniteJson.note(value, why));
    }
  }

  /** Jackson's one-line layout with a space after every ':' and ',', as the report files have. */
  private static final class OneLine extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }
  }
}
