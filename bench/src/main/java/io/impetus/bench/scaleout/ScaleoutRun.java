package io.impetus.bench.scaleout;

/**
 * One run of {@code deploy/bench/scaleout.sh}: one row of its CSV.
 *
 * @param linkRate every simulated host's link rate, in tc syntax ({@code 1gbit})
 * @param system what trained: Impetus with {@code shards} shards, or PyTorch's RPC parameter server
 * @param shards parameter-server processes (1 for PyTorch's single server)
 * @param workers worker (trainer) processes, N
 * @param samplesPerSecond the run's throughput; NaN for a run that failed or measured none
 * @param runDir the run's folder, as the script wrote it
 */
public record ScaleoutRun(String linkRate, TrainingSystem system, int shards, int workers, double samplesPerSecond,
    String runDir) {

  /** The two systems the script compares. */
  public enum TrainingSystem {
    IMPETUS("impetus"),
    PYTORCH("pytorch");

    private final String csvName;

    TrainingSystem(String csvName) {
      this.csvName = csvName;
    }

    /** The word the CSV's {@code system} column uses. */
    public String csvName() {
      return csvName;
    }

    /** The system a CSV field names, or null if it names none. */
    static TrainingSystem fromCsv(String field) {
      for (TrainingSystem s : values()) {
        if (s.csvName.equals(field)) {
          return s;
        }
      }
      return null;
    }
  }
}
