package io.impetus.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading trace files: exact float32 values, torch kwargs mapping, and errors that name the file. */
class GoldenTraceTest {

  // Keeps decimals exact when the tests rewrite a trace.
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

  @TempDir Path tmp;

  private static ObjectNode tree(String name) throws IOException {
    return (ObjectNode) JSON.readTree(GoldenTraces.file(name).toFile());
  }

  private Path write(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static void assertMessage(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' should contain '" + part + "'");
    }
  }

  @Test
  void readsTheFieldsOfATrace() throws IOException {
    GoldenTrace trace = GoldenTrace.read(GoldenTraces.file("sgd_momentum_lr_halved_n7.json"));
    assertEquals("sgd_momentum_lr_halved", trace.name());
    assertEquals("torch.optim.SGD", trace.optimizer());
    assertEquals(7, trace.n());
    assertEquals(50, trace.steps());
    assertEquals(0.9, trace.hyperparameters().get("momentum"));
    assertEquals(0.1, trace.lrPerStep()[24]);
    assertEquals(0.05, trace.lrPerStep()[25]);
    assertEquals(Float.intBitsToFloat(0xbf269c24), trace.initParams()[0]); // init_params_bits[0]
  }

  @Test
  void decimalNumbersParseToExactlyTheRecordedBits() throws IOException {
    List<Path> small = new ArrayList<>();
    for (Path file : GoldenTraces.files()) {
      if (file.getFileName().toString().endsWith("_n7.json")) {
        small.add(file);
      }
    }
    assertEquals(11, small.size());
    for (Path file : small) {
      GoldenTrace fromBits = GoldenTrace.read(file);
      ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
      root.remove(List.of("init_params_bits", "grads_bits", "params_after_step_bits"));
      GoldenTrace fromText = GoldenTrace.parse(JSON.writeValueAsString(root), file + " (decimals)");
      assertBitsEqual(fromBits.initParams(), fromText.initParams(), file);
      for (int t = 0; t < fromBits.steps(); t++) {
        assertBitsEqual(fromBits.grads()[t], fromText.grads()[t], file);
        assertBitsEqual(fromBits.paramsAfterStep()[t], fromText.paramsAfterStep()[t], file);
      }
    }
  }

  private static void assertBitsEqual(float[] expected, float[] actual, Path file) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), file::toString);
    }
  }

  @Test
  void mapsTorchKeywordsOntoThePytorchConfig() throws IOException {
    OptimizerConfig nesterov = GoldenTrace.read(GoldenTraces.file("sgd_nesterov_n7.json")).toOptimizerConfig();
    assertEquals(OptimizerKind.SGD, nesterov.kind());
    assertEquals(MomentumStyle.PYTORCH, nesterov.momentumStyle());
    assertEquals(0.9, nesterov.momentum());
    assertTrue(nesterov.nesterov());
    OptimizerConfig dampening =
        GoldenTrace.read(GoldenTraces.file("sgd_momentum_dampening_n7.json")).toOptimizerConfig();
    assertEquals(0.1, dampening.dampening());
    OptimizerConfig adamw = GoldenTrace.read(GoldenTraces.file("adamw_wd_n7.json")).toOptimizerConfig();
    assertEquals(OptimizerKind.ADAMW, adamw.kind());
    assertEquals(0.01, adamw.weightDecay());
    assertEquals(0.01, adamw.lr());
    assertEquals(0.999, adamw.beta2());
    assertTrue(GoldenTrace.read(GoldenTraces.file("adam_amsgrad_n7.json")).toOptimizerConfig().amsgrad());
  }

  @Test
  void rejectsMaximizeAndOtherUnsupportedSettingsByName() throws IOException {
    ObjectNode root = tree("sgd_momentum_n7.json");
    ((ObjectNode) root.get("hyperparameters")).put("maximize", true);
    GoldenTrace maximize = GoldenTrace.parse(JSON.writeValueAsString(root), "maximize.json");
    assertMessage(assertThrows(IllegalArgumentException.class, maximize::toOptimizerConfig),
        "maximize.json", "maximize=True is not supported");

    ((ObjectNode) root.get("hyperparameters")).put("maximize", false).put("lr_decay", 0.1);
    GoldenTrace unknownKey = GoldenTrace.parse(JSON.writeValueAsString(root), "kwarg.json");
    assertMessage(assertThrows(IllegalArgumentException.class, unknownKey::toOptimizerConfig),
        "kwarg.json", "unknown hyperparameter 'lr_decay'");

    root.put("optimizer", "torch.optim.RMSprop");
    GoldenTrace rmsprop = GoldenTrace.parse(JSON.writeValueAsString(root), "rmsprop.json");
    assertMessage(assertThrows(IllegalArgumentException.class, rmsprop::toOptimizerConfig),
        "rmsprop.json", "unsupported optimizer 'torch.optim.RMSprop'");

    ObjectNode noLr = tree("sgd_plain_n7.json");
    ((ObjectNode) noLr.get("hyperparameters")).remove("lr");
    GoldenTrace withoutLr = GoldenTrace.parse(JSON.writeValueAsString(noLr), "no_lr.json");
    assertMessage(assertThrows(IllegalArgumentException.class, withoutLr::toOptimizerConfig),
        "no_lr.json", "missing hyperparameter 'lr'");

    ObjectNode badNesterov = tree("sgd_plain_n7.json");
    ((ObjectNode) badNesterov.get("hyperparameters")).put("nesterov", true);
    GoldenTrace nesterov = GoldenTrace.parse(JSON.writeValueAsString(badNesterov), "nesterov.json");
    assertMessage(assertThrows(IllegalArgumentException.class, nesterov::toOptimizerConfig),
        "nesterov.json", "nesterov");
  }

  @Test
  void aMissingFileIsAnIoExceptionNamingIt() {
    Path missing = tmp.resolve("no_such_trace.json");
    IOException e = assertThrows(IOException.class, () -> GoldenTrace.read(missing));
    assertMessage(e, "no_such_trace.json", "not found");
  }

  @Test
  void malformedJsonNamesTheFileAndThePosition() throws IOException {
    Path file = write("truncated.json", "{\"name\": \"x\", \"grads\": [[1.0, 2.0]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoldenTrace.read(file));
    assertMessage(e, "truncated.json", "not valid JSON", "line 1");
  }

  @Test
  void aMissingFieldIsNamed() throws IOException {
    ObjectNode root = tree("adam_default_n7.json");
    root.remove(List.of("grads", "grads_bits"));
    Path file = write("no_grads.json", JSON.writeValueAsString(root));
    assertMessage(assertThrows(IllegalArgumentException.class, () -> GoldenTrace.read(file)),
        "no_grads.json", "missing field 'grads'");
  }

  @Test
  void aShortRowIsNamedWithItsStep() throws IOException {
    ObjectNode root = tree("adam_default_n7.json");
    ((ArrayNode) root.get("params_after_step_bits").get(3)).remove(0);
    Path file = write("short_row.json", JSON.writeValueAsString(root));
    assertMessage(assertThrows(IllegalArgumentException.class, () -> GoldenTrace.read(file)),
        "short_row.json", "params_after_step row 3 has 6 values, expected n=7");
  }

  @Test
  void aBadValueIsNamedWithItsIndex() throws IOException {
    ObjectNode root = tree("sgd_plain_n7.json");
    ((ArrayNode) root.get("grads_bits").get(2)).set(5, JSON.getNodeFactory().textNode("0xnothex"));
    assertMessage(assertThrows(IllegalArgumentException.class,
            () -> GoldenTrace.parse(JSON.writeValueAsString(root), "bad_bits.json")),
        "bad_bits.json", "grads_bits[2][5]", "0xnothex");

    ObjectNode text = tree("sgd_plain_n7.json");
    ((ArrayNode) text.get("lr_per_step")).set(0, JSON.getNodeFactory().textNode("fast"));
    assertMessage(assertThrows(IllegalArgumentException.class,
            () -> GoldenTrace.parse(JSON.writeValueAsString(text), "bad_lr.json")),
        "bad_lr.json", "lr_per_step[0] must be a number");
  }

  @Test
  void theIndexFileIsNotATrace() throws IOException {
    List<Path> files = GoldenTraces.files();
    assertFalse(files.stream().anyMatch(f -> f.getFileName().toString().equals("index.json")));
    assertArrayEquals(files.stream().sorted().toArray(), files.toArray(), "sorted by name");
  }
}
