package io.impetus.study.experiments;

import io.impetus.study.output.RunFolderWriter;
import io.impetus.study.report.ReportWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The named experiments that exist, in the order {@code run --list} shows them, and how to run one.
 *
 * <p>The study's own experiments come first, then those other modules contribute through
 * {@link ServiceLoader} (a {@code META-INF/services/io.impetus.study.experiments.Experiment} file):
 * an experiment that needs more than the study module has, e.g. real runs of the local launcher,
 * lives in the module that has it, and the study module does not depend on that module.
 */
public final class ExperimentRegistry {
  private ExperimentRegistry() {}

  /** Every registered experiment: the study's own (add new ones here), then the service-loaded ones, by name. */
  public static List<Experiment> all() {
    List<Experiment> all = new ArrayList<>(List.of(new DelayedQuadratic(), new ImplicitMomentum(),
        new BestMomentumVsWorkers(), new Mitigations(), new FmnistStaleness()));
    ServiceLoader.load(Experiment.class).stream().map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparing(Experiment::name)).forEach(all::add);
    return List.copyOf(all);
  }

  /** The experiment called {@code name}, if registered. */
  public static Optional<Experiment> find(String name) {
    return all().stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /** Runs {@code e}, writes its summary.json and report.md, and returns the outcome. */
  public static Outcome runAndReport(Experiment e, ExperimentOptions options, List<String> args) throws Exception {
    RunFolderWriter out = options.out();
    // First, so that the folder of a run that fails says how it was started.
    out.writeCommand(args);
    Outcome o = e.run(options);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("kind", "experiment");
    summary.put("experiment", e.name());
    summary.put("claim", e.claim());
    summary.put("supported", o.supported());
    summary.put("evidence", o.evidence());
    summary.put("quick", options.quick());
    summary.put("table", o.table());
    out.writeSummary(summary);
    ReportWriter.write(out.dir());
    return o;
  }
}
