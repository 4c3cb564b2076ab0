package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.impetus.wire.WireMethods;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The channels to the shards say what they guarantee and who closes them: channels opened here
 * serialize each message once and are owned; channels handed in may retry and are closed only if
 * the caller says so. Zero-copy chunks unless the caller picks the copying baseline. (Nothing here
 * connects: channels connect on their first call.)
 */
class ShardChannelsTest {
  @Test
  void openedChannelsSerializeOnceCarryZeroCopyChunksAndAreClosedWithTheObject() {
    ShardChannels opened = ShardChannels.open(List.of("127.0.0.1:1", "127.0.0.1:2"));
    assertEquals(2, opened.size());
    assertTrue(opened.serializesOnce());
    assertSame(WireMethods.zeroCopy(), opened.wire());
    assertEquals(opened.channels(), List.copyOf(opened.owned()), "every opened channel is owned");
    opened.close();
    for (ManagedChannel c : opened.owned()) {
      assertTrue(c.isShutdown());
    }
  }

  @Test
  void theCopyingBaselineIsTheCallersChoice() {
    try (ShardChannels copying = ShardChannels.open(List.of("127.0.0.1:1"), ChannelSecurity.NONE, WireMethods.copying())) {
      assertSame(WireMethods.copying(), copying.wire());
      assertTrue(copying.serializesOnce());
    }
  }

  @Test
  void channelsHandedInMayRetryAndOnlyTheOwnedOnesAreClosed() {
    ManagedChannel kept = InProcessChannelBuilder.forName("kept").build();
    ManagedChannel given = InProcessChannelBuilder.forName("given").build();
    try {
      ShardChannels channels = ShardChannels.of(List.of(kept, given), List.of(given));
      assertFalse(channels.serializesOnce(), "a channel made elsewhere may serialize a message again");
      assertSame(WireMethods.zeroCopy(), channels.wire());
      assertEquals(List.of(kept, given), channels.channels());
      channels.close();
      assertTrue(given.isShutdown());
      assertFalse(kept.isShutdown(), "the caller's own channel is the caller's to close");
    } finally {
      kept.shutdownNow();
      given.shutdownNow();
    }
  }
}
