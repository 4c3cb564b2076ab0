package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A rejected configuration says which command-line flag to fix. */
class OptimizerConfigTest {

  private static final MomentumStyle PT = MomentumStyle.PYTORCH;

  private static OptimizerConfig adam(double lr, double wd, double beta1, double beta2, double eps) {
    return new OptimizerConfig(OptimizerKind.ADAM, lr, 0, 0, false, PT, wd, beta1, beta2, eps, false,
        LrSchedule.constant());
  }

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        Arguments.of("--nesterov", "nesterov without momentum",
            (Runnable) () -> Configs.sgd(PT, 0.1, 0.0, true)),
        Arguments.of("--nesterov", "nesterov with dampening",
            (Runnable) () -> Configs.sgd(PT, 0.1, 0.9, 0.1, true, 0.0)),
        Arguments.of("--dampening", "dampening with classic momentum",
            (Runnable) () -> Configs.sgd(MomentumStyle.CLASSIC, 0.1, 0.9, 0.1, false, 0.0)),
        Arguments.of("--momentum-style", "dampening with ema momentum",
            (Runnable) () -> Configs.sgd(MomentumStyle.EMA, 0.1, 0.9, 0.1, false, 0.0)),
        Arguments.of("--dampening", "dampening above 1", (Runnable) () -> Configs.sgd(PT, 0.1, 0.9, 1.5, false, 0.0)),
        Arguments.of("--momentum", "momentum 1", (Runnable) () -> Configs.sgd(PT, 0.1, 1.0, false)),
        Arguments.of("--momentum", "negative momentum", (Runnable) () -> Configs.sgd(PT, 0.1, -0.1, false)),
        Arguments.of("--lr", "negative lr", (Runnable) () -> Configs.sgd(PT, -0.1, 0.0, false)),
        Arguments.of("--lr", "NaN lr", (Runnable) () -> Configs.sgd(PT, Double.NaN, 0.0, false)),
        Arguments.of("--weight-decay", "negative weight decay",
            (Runnable) () -> Configs.sgd(PT, 0.1, 0.0, 0.0, false, -1)),
        Arguments.of("--beta1", "beta1 1", (Runnable) () -> adam(0.01, 0, 1.0, 0.999, 1e-8)),
        Arguments.of("--beta2", "beta2 1", (Runnable) () -> adam(0.01, 0, 0.9, 1.0, 1e-8)),
        Arguments.of("--eps", "negative eps", (Runnable) () -> adam(0.01, 0, 0.9, 0.999, -1e-8)),
        Arguments.of("--eps", "infinite eps", (Runnable) () -> adam(0.01, 0, 0.9, 0.999, Double.POSITIVE_INFINITY)));
  }

  @ParameterizedTest(name = "{1} names {0}")
  @MethodSource("invalidConfigs")
  void rejectionNamesTheFlag(String flag, String what, Runnable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertTrue(e.getMessage().contains(flag), () -> "'" + e.getMessage() + "' should name " + flag);
  }

  @Test
  void adamIgnoresSgdOnlyFlags() {
    // nesterov is an SGD flag; an Adam config carrying it is not an error
    new OptimizerConfig(OptimizerKind.ADAM, 0.01, 0, 0, true, PT, 0, 0.9, 0.999, 1e-8, false, LrSchedule.constant());
  }

  @Test
  void defaultsArePytorchs() {
    OptimizerConfig adamw = OptimizerConfig.defaults(OptimizerKind.ADAMW, 1e-3);
    assertEquals(0.01, adamw.weightDecay());
    assertEquals(0.9, adamw.beta1());
    assertEquals(0.999, adamw.beta2());
    assertEquals(1e-8, adamw.eps());
    assertEquals(0.0, OptimizerConfig.defaults(OptimizerKind.ADAM, 1e-3).weightDecay());
  }

  @Test
  void unknownNamesListTheAcceptedOnes() {
    IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> OptimizerKind.parse("rmsprop"));
    assertEquals("unknown optimizer 'rmsprop' (expected sgd, adam or adamw)", kind.getMessage());
    IllegalArgumentException style = assertThrows(IllegalArgumentException.class, () -> MomentumStyle.parse("nag"));
    assertEquals("unknown momentum style 'nag' (expected pytorch, classic or ema)", style.getMessage());
  }
}
