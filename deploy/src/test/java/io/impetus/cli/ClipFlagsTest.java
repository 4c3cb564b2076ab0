package io.impetus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.local.LocalCommand;
import io.impetus.optim.GradNormClip;
import io.impetus.shard.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --clip-grad-norm}: on {@code impetus server} and {@code impetus local} (which passes it to
 * its shards), with IMPETUS_CLIP_GRAD_NORM as fallback, and errors naming the flag.
 */
class ClipFlagsTest {

  private static ServerConfig server(List<String> args, Map<String, String> env) throws Exception {
    return ServerCommand.parse(Flags.parse(new ServerCommand(), args, env));
  }

  private static ServerConfig local(List<String> args, Map<String, String> env) throws Exception {
    LocalCommand local = new LocalCommand();
    List<String> all = new ArrayList<>(List.of("--model", "quadratic", "--steps", "3", "--out", "runs/x"));
    all.addAll(args);
    return local.parse(Flags.parse(local, all, env)).server();
  }

  @Test
  void withoutTheFlagNothingIsClipped() throws Exception {
    assertEquals(GradNormClip.NONE, server(List.of(), Map.of()).clipGradNorm());
    assertEquals(GradNormClip.NONE, local(List.of(), Map.of()).clipGradNorm());
  }

  @Test
  void theServerTakesTheFlagOrItsVariableTheFlagWinsAndItRoundTrips() throws Exception {
    ServerConfig flag = server(List.of("--clip-grad-norm", "2.5"), Map.of());
    assertEquals(GradNormClip.of(2.5), flag.clipGradNorm());
    assertEquals(flag, server(ServerCommand.toArgs(flag), Map.of()), "impetus local starts its shards with these");
    assertEquals(GradNormClip.of(0.5), server(List.of(), Map.of("IMPETUS_CLIP_GRAD_NORM", "0.5")).clipGradNorm());
    assertEquals(GradNormClip.of(2.5),
        server(List.of("--clip-grad-norm", "2.5"), Map.of("IMPETUS_CLIP_GRAD_NORM", "0.5")).clipGradNorm());
  }

  @Test
  void localTakesTheFlagOrItsVariableForItsShards() throws Exception {
    assertEquals(GradNormClip.of(1.0), local(List.of("--clip-grad-norm", "1"), Map.of()).clipGradNorm());
    assertEquals(GradNormClip.of(3.0), local(List.of(), Map.of("IMPETUS_CLIP_GRAD_NORM", "3")).clipGradNorm());
  }

  @Test
  void aBadValueIsAUsageErrorNamingTheFlag() {
    assertEquals("--clip-grad-norm must be a finite number > 0 (0 for none), got -1.0",
        assertThrows(UsageException.class, () -> server(List.of("--clip-grad-norm", "-1"), Map.of())).getMessage());
    assertEquals("--clip-grad-norm expects a number, got 'big'",
        assertThrows(UsageException.class, () -> server(List.of("--clip-grad-norm", "big"), Map.of())).getMessage());
    assertEquals("--clip-grad-norm expects a number, got 'inf'",
        assertThrows(UsageException.class, () -> local(List.of(), Map.of("IMPETUS_CLIP_GRAD_NORM", "inf")))
            .getMessage());
  }
}
