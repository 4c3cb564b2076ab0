package io.impetus.study.experiments;

/**
 * A named experiment that reproduces a published finding: it states its claim, runs, writes a run
 * folder (summary.json with the claim, the verdict and the numbers; figures; report.md) and says
 * whether this run supports the claim.
 *
 * <p>To add one (e.g. {@code fmnist-staleness} once Fashion-MNIST models exist, or {@code mitigations}
 * once the shard's staleness policies exist): implement this interface and add an instance to
 * {@link ExperimentRegistry#all()}, or, in a module the study does not depend on, list the class (it
 * needs a public no-argument constructor) in that module's
 * {@code META-INF/services/io.impetus.study.experiments.Experiment}. Nothing else needs to change; {@code impetus study run --list}
 * shows what is registered.
 */
public interface Experiment {

  /** The name {@code impetus study run NAME} takes. */
  String name();

  /** The claim, one sentence, with its source. */
  String claim();

  /** The publications the claim comes from, as a reader would cite them (authors, year, title, venue). */
  String literature();

  /** Runs the experiment with {@code options}, writing into {@code options.out()}. */
  Outcome run(ExperimentOptions options) throws Exception;
}
