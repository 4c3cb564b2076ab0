package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.export.CheckpointFixture;
import io.impetus.export.SafetensorsFile;
import io.impetus.model.LinearRegression;
import io.impetus.model.Mlp;
import io.impetus.model.ParameterLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code impetus export DIR --format safetensors OUT}: the newest complete checkpoint's parameters
 * under PyTorch's {@code nn.Sequential} names and shapes, refusals of incomplete checkpoints, of
 * models it cannot map and of layouts that are not the model's, and command-line errors.
 */
class ExportCommandTest {
  private static final int[] HIDDEN = {3, 2};
  @TempDir Path tmp;

  /** Exit code, stdout and stderr of one {@code impetus export} call. */
  private static ImpetusRun export(String... args) {
    List<String> all = new ArrayList<>(List.of("export"));
    all.addAll(List.of(args));
    return ImpetusRun.of(all.toArray(String[]::new));
  }

  private static ParameterLayout mlpLayout(int... hidden) {
    return new Mlp(784, hidden, 10).layout();
  }

  /** A run folder with summary.json naming the hidden widths and a 2-shard checkpoint of an mlp at {@code version}. */
  private Path mlpRun(float[] params, long version) throws Exception {
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(run.resolve("summary.json"), "{\"model\": \"mlp\", \"hidden\": [3, 2]}");
    CheckpointFixture.writeAll(run.resolve("checkpoints"), "mlp", mlpLayout(HIDDEN).fingerprint(), params, 2, version);
    return run;
  }

  @Test
  void anMlpRoundTripsUnderSequentialNamesWithTorchShapesAndNoTransposition() throws Exception {
    float[] params = CheckpointFixture.params(mlpLayout(HIDDEN).numParams());
    Path out = tmp.resolve("model.safetensors");
    ImpetusRun r = export(mlpRun(params, 40).toString(), "--format", "safetensors", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("wrote " + out + ": model mlp (hidden 3,2), 2393 parameters, checkpoint version 40 of 2 shards\n",
        r.out());

    SafetensorsFile file = SafetensorsFile.read(out);
    assertEquals(0, (Long.BYTES + file.headerLength()) % 8, "the data starts 8-byte aligned");
    List<String> names = new ArrayList<>();
    file.header().fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("__metadata__", "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), names);
    assertArrayEquals(new int[] {3, 784}, file.shape("0.weight"));
    assertArrayEquals(new int[] {3}, file.shape("0.bias"));
    assertArrayEquals(new int[] {2, 3}, file.shape("2.weight"));
    assertArrayEquals(new int[] {10, 2}, file.shape("4.weight"));
    assertArrayEquals(new int[] {10}, file.shape("4.bias"));
    assertEquals(4L * params.length, file.data().capacity(), "the data is every parameter, once");
    // nn.Linear's weight[o][i] multiplies input i into output o, as our Dense's value at w + o·in + i.
    float[] w0 = file.values("0.weight");
    assertEquals(params[5 * 1 + 784 * 2], w0[2 * 784 + 5], 0f, "weight[2][5] of the first layer");
    float[] w4 = file.values("4.weight");
    int w4Offset = Math.toIntExact(mlpLayout(HIDDEN).offsetOf("fc3.weight"));
    assertEquals(params[w4Offset + 7 * 2 + 1], w4[7 * 2 + 1], 0f, "weight[7][1] of the last layer");
    // Read back in file order, the tensors are the parameter vector itself.
    float[] all = new float[params.length];
    int at = 0;
    for (String name : names.subList(1, names.size())) {
      float[] v = file.values(name);
      System.arraycopy(v, 0, all, at, v.length);
      at += v.length;
    }
    assertArrayEquals(params, all);
    assertEquals("mlp", file.metadata("model"));
    assertEquals("3,2", file.metadata("hidden"));
    assertEquals("40", file.metadata("checkpoint_version"));
    assertEquals("2", file.metadata("num_shards"));
    assertEquals("pt", file.metadata("format"));
  }

  @Test
  void aLinearModelFromACheckpointFolderIsOneSequentialLayer() throws Exception {
    ParameterLayout layout = new LinearRegression().layout();
    float[] params = CheckpointFixture.params(layout.numParams());
    Path dir = tmp.resolve("ckpt");
    CheckpointFixture.writeAll(dir, "linear", layout.fingerprint(), params, 1, 7);
    Path out = tmp.resolve("linear.safetensors");
    assertEquals(0, export(dir.toString(), "--format", "safetensors", out.toString()).code());
    SafetensorsFile file = SafetensorsFile.read(out);
    assertArrayEquals(new int[] {1, 10}, file.shape("0.weight"));
    assertArrayEquals(new float[] {params[10]}, file.values("0.bias"));
    assertEquals("", file.metadata("hidden"));
  }

  @Test
  void theNewestVersionEveryShardCompletedIsExportedAndNoneIsARefusal() throws Exception {
    float[] old = CheckpointFixture.params(mlpLayout(HIDDEN).numParams());
    Path run = mlpRun(old, 40);
    float[] newer = old.clone();
    newer[0] = 42f;
    long fingerprint = mlpLayout(HIDDEN).fingerprint();
    // Shard 0 finished version 60, shard 1 was interrupted before its manifest.
    CheckpointFixture.writeShard(run.resolve("checkpoints"), "mlp", fingerprint, newer, 0, 2, 60);
    CheckpointFixture.writeShard(run.resolve("checkpoints"), "mlp", fingerprint, newer, 1, 2, 60);
    Files.delete(run.resolve("checkpoints/shard-1/checkpoint-000000000060.json"));
    Path out = tmp.resolve("m.safetensors");
    assertEquals(0, export(run.toString(), "--format", "safetensors", out.toString()).code());
    assertEquals("40", SafetensorsFile.read(out).metadata("checkpoint_version"));
    assertEquals(old[0], SafetensorsFile.read(out).values("0.weight")[0], 0f);

    Files.delete(run.resolve("checkpoints/shard-1/checkpoint-000000000040.json"));
    ImpetusRun none = export(run.toString(), "--format", "safetensors", out.toString());
    assertEquals(1, none.code());
    assertEquals("impetus export: no complete checkpoint in " + run.resolve("checkpoints")
        + ": every shard's files of one version are needed; skipped 60 (no manifest: the write was interrupted: "
        + run.resolve("checkpoints/shard-1/checkpoint-000000000060.json") + "), 40 (no manifest: the write was"
        + " interrupted: " + run.resolve("checkpoints/shard-1/checkpoint-000000000040.json") + ")\n", none.err());
  }

  @Test
  void modelsItCannotMapAndLayoutsThatAreNotTheModelsAreRefused() throws Exception {
    Path dir = tmp.resolve("cnn");
    CheckpointFixture.writeAll(dir, "cnn", 1234L, CheckpointFixture.params(100), 2, 5);
    ImpetusRun cnn = export(dir.toString(), "--format", "safetensors", tmp.resolve("c").toString());
    assertEquals(1, cnn.code());
    assertEquals("impetus export: model 'cnn' cannot be exported (supported: mlp, softmax, mlp-x2, linear)\n",
        cnn.err());
    assertEquals(2, export(dir.toString(), "--format", "safetensors", "--model", "cnn", "x").code());

    Path run = mlpRun(CheckpointFixture.params(mlpLayout(HIDDEN).numParams()), 40);
    ImpetusRun wrongHidden = export(run.toString(), "--format", "safetensors", "--hidden", "4", tmp.resolve("h").toString());
    assertEquals(1, wrongHidden.code());
    assertEquals("impetus export: the checkpoint's 2393 parameters of model 'mlp' do not have the layout of mlp with"
        + " hidden widths 4 (3190 parameters): give the run's --hidden\n", wrongHidden.err());
    ImpetusRun wrongModel = export(run.toString(), "--format", "safetensors", "--model", "softmax", tmp.resolve("s").toString());
    assertEquals("impetus export: the checkpoint holds model 'mlp', not 'softmax'\n", wrongModel.err());
    assertTrue(Files.notExists(tmp.resolve("h")) && Files.notExists(tmp.resolve("s")), "nothing written on a refusal");
  }

  @Test
  void commandLineErrorsNameTheProblem() throws Exception {
    Path run = mlpRun(CheckpointFixture.params(mlpLayout(HIDDEN).numParams()), 40);
    String out = tmp.resolve("o").toString();
    assertEquals(new ImpetusRun(2, "", "impetus export: --format is required (safetensors) (see impetus export --help)\n"),
        export(run.toString(), out));
    assertEquals("impetus export: --format: unknown format 'onnx' (expected safetensors) (see impetus export --help)\n",
        export(run.toString(), "--format", "onnx", out).err());
    assertEquals("impetus export: give CHECKPOINT_OR_RUN_DIR and OUT, got 1 argument (see impetus export --help)\n",
        export(run.toString(), "--format", "safetensors").err());
    assertEquals("impetus export: no such folder: " + tmp.resolve("nope") + " (see impetus export --help)\n",
        export(tmp.resolve("nope").toString(), "--format", "safetensors", out).err());
    Files.createDirectories(tmp.resolve("empty"));
    assertEquals("impetus export: " + tmp.resolve("empty") + " is neither a run folder with checkpoints/ nor a"
        + " checkpoint folder with shard-0/ (see impetus export --help)\n",
        export(tmp.resolve("empty").toString(), "--format", "safetensors", out).err());
    assertEquals(2, export(run.toString(), "--format", "safetensors", "--hidden", "3,x", out).code());
    assertTrue(export("--help").out().contains("0.weight [out, in]"));
  }
}
