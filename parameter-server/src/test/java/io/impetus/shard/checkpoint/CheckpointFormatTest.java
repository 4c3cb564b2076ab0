package io.impetus.shard.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.optim.LrSchedule;
import io.impetus.optim.MomentumStyle;
import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The checkpoint file format: an exact round trip for every optimizer, and every kind of damage caught. */
class CheckpointFormatTest {

  /** Every optimizer kind with each state it can keep: none, velocity, moments, AMSGrad's maximum. */
  static Stream<OptimizerConfig> everyOptimizer() {
    OptimizerConfig adam = OptimizerConfig.defaults(OptimizerKind.ADAM, 0.001);
    OptimizerConfig adamw = OptimizerConfig.defaults(OptimizerKind.ADAMW, 0.001);
    return Stream.of(
        OptimizerConfig.sgd(0.05, 0.0),
        OptimizerConfig.sgd(0.05, 0.9),
        new OptimizerConfig(OptimizerKind.SGD, 0.05, 0.9, 0.0, true, MomentumStyle.PYTORCH, 1e-4, 0.9, 0.999, 1e-8,
            false, LrSchedule.step(3, 0.5)),
        OptimizerConfig.sgd(0.05, 0.8).withSchedule(LrSchedule.cosine(2, 10, 1e-4)),
        adam.withSchedule(LrSchedule.cosine(2, 10, 0.0)),
        new OptimizerConfig(OptimizerKind.ADAM, 0.001, 0, 0, false, MomentumStyle.PYTORCH, 0.01, 0.8, 0.99, 1e-6, true,
            LrSchedule.constant()),
        adamw,
        new OptimizerConfig(OptimizerKind.ADAMW, 0.001, 0, 0, false, MomentumStyle.PYTORCH, 0.01, 0.9, 0.999, 1e-8,
            true, LrSchedule.constant()));
  }

  /** The state arrays each optimizer keeps, by PyTorch's names. */
  private static List<String> stateOf(OptimizerConfig c) {
    if (c.kind() == OptimizerKind.SGD) {
      return c.momentum() > 0 ? List.of("velocity") : List.of();
    }
    return c.amsgrad() ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq");
  }

  private static byte[] encode(ShardSnapshot s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CheckpointFormat.write(s, Channels.newChannel(out));
    return out.toByteArray();
  }

  private static ShardSnapshot decode(byte[] file) throws CorruptCheckpointException {
    return CheckpointFormat.decode(ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyOptimizer")
  void aRoundTripKeepsEveryValueBitForBit(OptimizerConfig config) throws Exception {
    ShardSnapshot original = Snapshots.sample(config, 40_000, 7); // 40k floats: several 64 KiB write buffers
    ShardSnapshot back = decode(encode(original));
    Snapshots.assertSameState(original, back);
    assertEquals(stateOf(config), List.copyOf(back.buffers().keySet()), "every state array is in the file");
    assertEquals(7, back.optimizerSteps());
  }

  @Test
  void theFileIsAHeaderThePayloadAndItsCrc() throws Exception {
    ShardSnapshot s = Snapshots.sample(OptimizerConfig.sgd(0.1, 0.9), 10, 3);
    byte[] file = encode(s);
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    b.get(magic);
    assertEquals("IMPCKPT\n", new String(magic, StandardCharsets.US_ASCII));
    assertEquals(CheckpointFormat.VERSION, b.getInt());
    long payload = b.getLong();
    assertEquals(file.length, 20 + payload + 4);
    CRC32C crc = new CRC32C();
    crc.update(file, 20, (int) payload);
    assertEquals((int) crc.getValue(), b.getInt(20 + (int) payload));
    assertEquals(1, b.getInt(20), "the payload starts with the shard index");
  }

  @Test
  void everyTruncationIsCaught() throws Exception {
    byte[] file = encode(Snapshots.sample(OptimizerConfig.defaults(OptimizerKind.ADAM, 0.01), 100, 2));
    for (int cut : List.of(0, 5, 19, 20, 21, file.length / 2, file.length - 4, file.length - 1)) {
      CorruptCheckpointException e =
          assertThrows(CorruptCheckpointException.class, () -> decode(Arrays.copyOf(file, cut)), "cut at " + cut);
      assertTrue(e.getMessage().startsWith("truncated"), e.getMessage());
    }
  }

  @Test
  void aFlippedBitAnywhereInThePayloadFailsTheCrc() throws Exception {
    byte[] file = encode(Snapshots.sample(OptimizerConfig.sgd(0.1, 0.9), 100, 2));
    for (int at : List.of(20, 100, file.length / 2, file.length - 5)) {
      byte[] damaged = file.clone();
      damaged[at] ^= 0x10;
      CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> decode(damaged));
      assertTrue(e.getMessage().startsWith("CRC32C mismatch (stored "), e.getMessage());
    }
  }

  @Test
  void anotherFormatIsRefusedByName() throws Exception {
    byte[] file = encode(Snapshots.sample(OptimizerConfig.sgd(0.1, 0.0), 4, 1));
    byte[] notOurs = file.clone();
    notOurs[0] = 'X';
    assertEquals("not an Impetus checkpoint (bad magic)",
        assertThrows(CorruptCheckpointException.class, () -> decode(notOurs)).getMessage());
    byte[] newer = file.clone();
    newer[8] = 2;
    assertEquals("format version 2, this build reads 1",
        assertThrows(CorruptCheckpointException.class, () -> decode(newer)).getMessage());
  }
}
