package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.local.LocalCommand;
import io.impetus.model.DataOptions;
import io.impetus.model.ModelCatalog;
import io.impetus.model.ParameterLayout;
import io.impetus.shard.ExpectedLayout;
import io.impetus.shard.LayoutLimits;
import io.impetus.shard.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --model}, {@code --hidden}, {@code --num-params}, {@code --layout-fingerprint} and {@code
 * --max-params} on {@code impetus server} (with IMPETUS_MODEL, IMPETUS_NUM_PARAMS and IMPETUS_MAX_PARAMS
 * as fallbacks), the layout {@code impetus local} passes its shards, and errors naming the flag.
 */
class LayoutFlagsTest {
  private static final ParameterLayout MLP_X2 = ModelCatalog.layout("mlp-x2", DataOptions.defaults());

  private static ServerConfig server(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(Flags.parse(new ServerCommand(), args, env));
  }

  private static LayoutLimits limits(String... args) throws Exception {
    return server(List.of(args), Map.of()).layoutLimits();
  }

  private static String error(List<String> args, Map<String, String> env) {
    return assertThrows(UsageException.class, () -> server(args, env)).getMessage();
  }

  private static String error(String... args) {
    return error(List.of(args), Map.of());
  }

  @Test
  void withoutTheFlagsTheFirstJoinFixesTheLayoutUnderTheHeapsBound() throws Exception {
    assertEquals(LayoutLimits.DEFAULT, limits());
  }

  @Test
  void aModelNameGivesTheCountAndFingerprintTheWorkersHaveAndItRoundTrips() throws Exception {
    ServerConfig config = server(List.of("--model", "mlp-x2"), Map.of());
    assertEquals(ExpectedLayout.of(61, MLP_X2.fingerprint()), config.layoutLimits().expected());
    assertEquals(61, MLP_X2.numParams(), "1-20-1: 20 + 20 weights and biases, 20 + 1");
    assertEquals(config, server(ServerCommand.toArgs(config), Map.of()), "impetus local starts its shards with these");
    assertEquals(config.layoutLimits(), limits("--model", "mlp-x2", "--num-params", "61"), "a consistent count");
    assertEquals(config.layoutLimits(),
        server(List.of(), Map.of("IMPETUS_MODEL", "mlp-x2")).layoutLimits(), "the workers' variable");
  }

  @Test
  void theMlpsHiddenWidthsChangeItsLayoutAsTheyDoTheWorkers() throws Exception {
    ExpectedLayout narrow = limits("--model", "mlp", "--hidden", "64,32").expected();
    assertEquals(784 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10, narrow.numParams());
    assertEquals(ModelCatalog.layout("mlp", DataOptions.defaults().withHidden(64, 32)).fingerprint(),
        narrow.fingerprint().getAsLong());
    assertEquals(235_146, limits("--model", "mlp").expected().numParams(), "the workers' default widths");
  }

  @Test
  void aNumberOfParametersAloneOrWithAFingerprintAndAMaximumRoundTrip() throws Exception {
    assertEquals(new LayoutLimits(ExpectedLayout.ofNumParams(1000), 0), limits("--num-params", "1000"));
    ServerConfig pinned = server(List.of("--num-params", "1000", "--layout-fingerprint", "00000000000000FF",
        "--max-params", "5000"), Map.of());
    assertEquals(new LayoutLimits(ExpectedLayout.of(1000, 255), 5000), pinned.layoutLimits());
    assertEquals(pinned, server(ServerCommand.toArgs(pinned), Map.of()));
    assertEquals(new LayoutLimits(ExpectedLayout.ofNumParams(7), 9),
        server(List.of(), Map.of("IMPETUS_NUM_PARAMS", "7", "IMPETUS_MAX_PARAMS", "9")).layoutLimits());
  }

  @Test
  void localPassesItsShardsTheLayoutOfItsWorkersModel() throws Exception {
    LocalCommand local = new LocalCommand();
    List<String> args = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3", "--out", "runs/x"));
    ServerConfig shards = local.parse(Flags.parse(local, args, Map.of())).server();
    ParameterLayout quadratic = ModelCatalog.layout("quadratic", DataOptions.defaults());
    assertEquals(new LayoutLimits(ExpectedLayout.of(2, quadratic.fingerprint()), 0), shards.layoutLimits());
    List<String> shardArgs = ServerCommand.toArgs(shards);
    assertEquals(List.of("--num-params", "2", "--layout-fingerprint", String.format("%016x", quadratic.fingerprint())),
        shardArgs.subList(shardArgs.indexOf("--num-params"), shardArgs.indexOf("--num-params") + 4));
  }

  @Test
  void badOrInconsistentValuesAreUsageErrorsNamingTheFlag() {
    assertEquals("--model: unknown model 'resnet' (expected linear, mlp-x2, quadratic, softmax, mlp, cnn)",
        error("--model", "resnet"));
    assertEquals("--num-params must be at least 1, got 0", error("--num-params", "0"));
    assertEquals("--num-params expects a whole number, got 'many'", error("--num-params", "many"));
    assertEquals("--num-params 60 does not match --model mlp-x2, which has 61 parameters",
        error("--model", "mlp-x2", "--num-params", "60"));
    assertEquals(String.format("--layout-fingerprint 0000000000000001 does not match --model mlp-x2, whose layout "
        + "fingerprint is %016x", MLP_X2.fingerprint()), error("--model", "mlp-x2", "--layout-fingerprint",
        "0000000000000001"));
    assertEquals("--layout-fingerprint expects 16 hex digits, got 'xyz'",
        error("--num-params", "5", "--layout-fingerprint", "xyz"));
    assertEquals("--layout-fingerprint needs --num-params", error("--layout-fingerprint", "0000000000000001"));
    assertEquals("--hidden needs --model (the workers' model)", error("--hidden", "64"));
    assertEquals("--hidden: hidden widths must be positive integers separated by commas, got '64,0'",
        error("--model", "mlp", "--hidden", "64,0"));
    assertEquals("--max-params must be at least 1, got 0", error("--max-params", "0"));
    assertEquals("the expected layout has 20 parameters, more than --max-params 10",
        error("--num-params", "20", "--max-params", "10"));
    assertEquals("a model of 1 parameters (--num-params, --model) cannot be cut into 2 shards (--num-shards)",
        error("--num-params", "1", "--num-shards", "2"));
    assertEquals("--max-params expects a whole number, got 'lots'",
        error(List.of(), Map.of("IMPETUS_MAX_PARAMS", "lots")));
  }
}
