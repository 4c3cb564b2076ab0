package io.impetus.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.impetus.wire.Reason;
import io.impetus.wire.Refusal;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The worker tells retryable refusals from fatal ones by status code and reason together, and reads
 * both back from the status a refused call fails with (reason in a google.rpc.ErrorInfo).
 */
class RecoveryTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
      "UNAVAILABLE, UNSPECIFIED, REJOIN",
      "DEADLINE_EXCEEDED, UNSPECIFIED, REJOIN",
      "RESOURCE_EXHAUSTED, UNSPECIFIED, REJOIN",
      "ABORTED, LEASE_EXPIRED, REJOIN",
      "NOT_FOUND, SESSION_UNKNOWN, REJOIN",
      "NOT_FOUND, SEGMENT_NOT_ATTACHED, REJOIN",
      "FAILED_PRECONDITION, NOT_INITIALIZED, REJOIN",
      "FAILED_PRECONDITION, WORKER_LEFT, REJOIN",
      "FAILED_PRECONDITION, PUSH_IN_FLIGHT, REJOIN",
      "ALREADY_EXISTS, WORKER_ALREADY_JOINED, WAIT_AND_JOIN",
      "PERMISSION_DENIED, SESSION_MISMATCH, REJOIN_ONCE",
      "FAILED_PRECONDITION, LAYOUT_MISMATCH, FATAL",
      "FAILED_PRECONDITION, UNSPECIFIED, FATAL",
      "UNAUTHENTICATED, UNSPECIFIED, FATAL",
      "INVALID_ARGUMENT, NON_FINITE, FATAL",
      "PERMISSION_DENIED, UNSPECIFIED, FATAL",
      "INTERNAL, UNSPECIFIED, FATAL"})
  void eachStatusAndReasonHasItsRecoveryAndSurvivesTheTripThroughAStatus(Status.Code code, Reason reason,
      Recovery expected) {
    Refusal sent = new Refusal(code, reason, "why", Map.of(Refusal.WORKER_ID, "3"));
    Refusal received = Refusal.of(sent.toException());
    assertEquals(code, received.code());
    assertEquals(reason, received.reason());
    assertEquals("why", received.message());
    assertEquals(reason == Reason.UNSPECIFIED ? Map.of() : Map.of(Refusal.WORKER_ID, "3"), received.metadata());
    assertEquals(expected, Recovery.of(sent.toException()));
  }
}
