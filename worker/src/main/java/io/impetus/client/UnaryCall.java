package io.impetus.client;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** A unary call's reply as a future: it completes with the reply, or fails with the call's error. */
final class UnaryCall<T> implements StreamObserver<T> {
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private T value;

  CompletableFuture<T> result() {
    return result;
  }

  @Override
  public void onNext(T v) {
    value = v;
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    result.complete(value);
  }
}
