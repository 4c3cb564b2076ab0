package io.impetus.shard.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Attributes;
import org.junit.jupiter.api.Test;

/** The connection count: what transports that end, ready or not, do to it. */
class ConnectionsTest {

  @Test
  void aTransportThatEndsBeforeItWasReadyLeavesTheCountsAsTheyWere() {
    Connections connections = new Connections(0, 1);
    Attributes ready = connections.transportReady(Attributes.EMPTY);
    // gRPC hands null attributes to a transport that failed before it became ready (seen by the fuzzer).
    connections.transportTerminated(null);
    connections.transportTerminated(Attributes.EMPTY);
    assertEquals(1, connections.open());
    assertEquals(1, connections.admitted());

    connections.transportTerminated(ready);
    assertEquals(0, connections.open());
    assertEquals(0, connections.admitted());
  }
}
