package io.impetus.model;

import java.util.List;

/**
 * The named tensors of a model, flattened in order into one vector. The fingerprint (64-bit FNV-1a
 * over every tensor's name and shape) is what a shard compares to refuse a worker whose model does
 * not match the one the shard was initialized for.
 */
public record ParameterLayout(List<TensorSpec> tensors) {

  /** A named tensor with its shape. */
  public record TensorSpec(String name, int... shape) {
    /** Number of values in the tensor. */
    public long size() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  /** Copies the list. */
  public ParameterLayout {
    tensors = List.copyOf(tensors);
  }

  /** P, the length of the flat vector. */
  public long numParams() {
    long n = 0;
    for (TensorSpec t : tensors) {
      n += t.size();
    }
    return n;
  }

  /** Offset of tensor {@code name} in the flat vector. */
  public long offsetOf(String name) {
    long offset = 0;
    for (TensorSpec t : tensors) {
      if (t.name().equals(name)) {
        return offset;
      }
      offset += t.size();
    }
    throw new IllegalArgumentException("no tensor named '" + name + "' in " + this);
  }

  /** FNV-1a over "name:d0xd1x...;" for every tensor, in order. */
  public long fingerprint() {
    long h = 0xcbf29ce484222325L;
    for (TensorSpec t : tensors) {
      StringBuilder sb = new StringBuilder(t.name()).append(':');
      for (int i = 0; i < t.shape().length; i++) {
        sb.append(i == 0 ? "" : "x").append(t.shape()[i]);
      }
      sb.append(';');
      for (int i = 0; i < sb.length(); i++) {
        h ^= sb.charAt(i);
        h *= 0x100000001b3L;
      }
    }
    return h;
  }
}
