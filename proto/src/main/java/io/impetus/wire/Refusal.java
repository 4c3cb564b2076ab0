package io.impetus.wire;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.impetus.proto.SharedPushReply;
import java.util.Map;

/**
 * A refused call as both sides see it: its gRPC status code, its {@link Reason} and message, and the
 * {@code ErrorInfo} metadata that goes with the reason (for example {@value #RETRY_AFTER_MILLIS}). A
 * shard turns a refusal into a status whose details carry a {@code google.rpc.ErrorInfo} in domain
 * {@value Reason#DOMAIN} ({@link #toException}); a worker reads it back from any failure ({@link
 * #of}), including the in-band answers of the shared-memory path ({@link #ofShared}).
 *
 * @param code the gRPC status code
 * @param reason why, for a program; {@link Reason#UNSPECIFIED} when the status carried none
 * @param message why, for a person (may be empty)
 * @param metadata the ErrorInfo's metadata: {@value #WORKER_ID}, {@value #CALL} and, for a refusal
 *     that ends by itself, {@value #RETRY_AFTER_MILLIS}
 */
public record Refusal(Status.Code code, Reason reason, String message, Map<String, String> metadata) {
  /** Metadata key: the worker id the refused call named. */
  public static final String WORKER_ID = "worker_id";
  /** Metadata key: the refused call (Join, PushPull, ...). */
  public static final String CALL = "call";
  /** Metadata key: roughly how many milliseconds until asking again can succeed (the rest of a lease). */
  public static final String RETRY_AFTER_MILLIS = "retry_after_millis";

  public Refusal {
    message = message == null ? "" : message;
    metadata = Map.copyOf(metadata);
  }

  /** The refusal {@code failure} stands for: its status code, and the reason its details carry, if any. */
  public static Refusal of(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    String message = status.getDescription() == null ? "" : status.getDescription();
    com.google.rpc.Status details = StatusProto.fromThrowable(failure);
    if (details != null) {
      for (Any detail : details.getDetailsList()) {
        if (detail.is(ErrorInfo.class)) {
          try {
            ErrorInfo info = detail.unpack(ErrorInfo.class);
            if (Reason.DOMAIN.equals(info.getDomain())) {
              return new Refusal(status.getCode(), Reason.named(info.getReason()), message, info.getMetadataMap());
            }
          } catch (InvalidProtocolBufferException garbled) {
            break;
          }
        }
      }
    }
    return new Refusal(status.getCode(), Reason.UNSPECIFIED, message, Map.of());
  }

  /** The refusal an in-band shared-memory answer carries (one without a header). */
  public static Refusal ofShared(SharedPushReply reply) {
    return new Refusal(Status.fromCodeValue(reply.getErrorCode()).getCode(), Reason.named(reply.getErrorReason()),
        reply.getErrorMessage(), Map.of());
  }

  /**
   * The exception a call fails with: this status code and message, and the reason and metadata as an
   * ErrorInfo in the status details (the {@code grpc-status-details-bin} trailer).
   */
  public StatusRuntimeException toException() {
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message);
    if (reason != Reason.UNSPECIFIED) {
      status.addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(Reason.DOMAIN).setReason(reason.name())
          .putAllMetadata(metadata).build()));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /** The value of metadata {@code key} as a number, or {@code otherwise} when absent or not a number. */
  public long metadataLong(String key, long otherwise) {
    try {
      String value = metadata.get(key);
      return value == null ? otherwise : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  @Override
  public String toString() {
    return code + (reason == Reason.UNSPECIFIED ? "" : "/" + reason) + (message.isEmpty() ? "" : ": " + message);
  }
}
