package io.impetus.wire;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * One end of a shard's doorbell: a Unix-domain socket carrying length-delimited protobuf messages (a
 * varint length, then the message, as {@code writeDelimitedTo} writes them). On the same host it
 * replaces the HTTP/2 stream that would otherwise carry each shared-memory push's header and answer: a
 * push costs one small write and one read on each side, and no transport thread.
 *
 * <p>A worker's end is blocking ({@link #connect}). The shard's end is made with {@link
 * #nonBlockingWrites}: {@link #read} still waits for a whole message (on a selector), but {@link
 * #write} never waits: the socket's send buffer ({@link #SEND_BUFFER_BYTES}) is the bounded buffer of
 * answers the peer has not read, and a message that does not fit in it whole fails with {@link
 * PeerNotReadingException}, so a peer that stops reading cannot stall the thread that answers.
 *
 * <p>{@link #read} and {@link #write} may run on two different threads at once, but each of them on
 * one thread at a time. A frame longer than {@link #MAX_FRAME_BYTES}, a truncated one or one that does
 * not parse is an {@link IOException}: the framing is lost, so the caller closes the channel.
 */
public final class DoorbellChannel implements AutoCloseable {
  /** The longest message either side sends (a push header, or an answer with its error message). */
  public static final int MAX_FRAME_BYTES = 16 * 1024;
  private static final int MAX_VARINT_BYTES = 5;

  /** The send buffer of a shard's end: answers a peer may leave unread before it is dropped. */
  public static final int SEND_BUFFER_BYTES = 64 * 1024;

  private final SocketChannel channel;
  /** Waits for the channel to be readable when it does not block; null for a blocking channel. */
  private final Selector readable;
  /** Bytes read but not yet parsed, between position and limit. */
  private final ByteBuffer in = ByteBuffer.allocate(MAX_FRAME_BYTES + MAX_VARINT_BYTES);
  private final ByteBuffer out = ByteBuffer.allocate(MAX_FRAME_BYTES + MAX_VARINT_BYTES);

  /** Wraps a connected, blocking channel. */
  public DoorbellChannel(SocketChannel channel) {
    this(channel, null);
  }

  private DoorbellChannel(SocketChannel channel, Selector readable) {
    this.channel = channel;
    this.readable = readable;
    in.flip();
  }

  /** A write that did not fit in the socket's send buffer: the peer does not read its answers. */
  public static final class PeerNotReadingException extends IOException {
    PeerNotReadingException(int unsent) {
      super("the peer does not read its answers: " + unsent + " bytes do not fit in the socket's send buffer of "
          + SEND_BUFFER_BYTES + " bytes");
    }
  }

  /**
   * Wraps a connected channel (the shard's end of a connection) whose writes never wait: see the class
   * comment. Closes the channel if that fails.
   */
  public static DoorbellChannel nonBlockingWrites(SocketChannel channel) throws IOException {
    Selector selector = null;
    try {
      channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER_BYTES);
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      return new DoorbellChannel(channel, selector);
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Connects to the doorbell socket at {@code path}. */
  public static DoorbellChannel connect(Path path) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
      return new DoorbellChannel(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Writes {@code message} with its length in one write. */
  public void write(MessageLite message) throws IOException {
    int size = message.getSerializedSize();
    if (size > MAX_FRAME_BYTES) {
      throw new IOException("doorbell message of " + size + " bytes exceeds " + MAX_FRAME_BYTES);
    }
    out.clear();
    CodedOutputStream coded = CodedOutputStream.newInstance(out);
    coded.writeUInt32NoTag(size);
    message.writeTo(coded);
    coded.flush();
    out.flip();
    if (readable != null) {
      // Never waits: a frame that does not fit whole would break the framing, so the peer is dropped.
      channel.write(out);
      if (out.hasRemaining()) {
        throw new PeerNotReadingException(out.remaining());
      }
      return;
    }
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /**
   * Reads the next message, blocking until it is complete; null when the peer closed the channel
   * between messages.
   */
  public <T> T read(Parser<T> parser) throws IOException {
    if (!fill(1)) {
      return null;
    }
    int size = 0;
    int lengthBytes = 0;
    while (true) {
      if (lengthBytes == MAX_VARINT_BYTES) {
        throw new IOException("malformed doorbell frame: bad length");
      }
      fill(lengthBytes + 1);
      byte b = in.get(in.position() + lengthBytes);
      size |= (b & 0x7f) << (7 * lengthBytes);
      lengthBytes++;
      if (b >= 0) {
        break;
      }
    }
    if (size < 0 || size > MAX_FRAME_BYTES) {
      throw new IOException("doorbell frame of " + Integer.toUnsignedString(size) + " bytes exceeds " + MAX_FRAME_BYTES);
    }
    fill(lengthBytes + size);
    int start = in.position() + lengthBytes;
    in.position(start + size);
    try {
      return parser.parseFrom(in.array(), start, size);
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("malformed doorbell frame: " + e.getMessage(), e);
    }
  }

  /**
   * Makes at least {@code bytes} unread bytes available from the current position; false at the end
   * of the stream when no byte was unread, an EOFException when the stream ends inside a frame.
   */
  private boolean fill(int bytes) throws IOException {
    if (in.remaining() >= bytes) {
      return true;
    }
    in.compact();
    try {
      while (in.position() < bytes) {
        int n = channel.read(in);
        if (n < 0) {
          if (in.position() == 0) {
            return false;
          }
          throw new EOFException("doorbell closed inside a frame");
        }
        if (n == 0 && readable != null) {
          awaitReadable();
        }
      }
    } finally {
      in.flip();
    }
    return true;
  }

  /** Waits on the selector until the channel has bytes to read (or is closed). */
  private void awaitReadable() throws IOException {
    try {
      readable.select();
      readable.selectedKeys().clear();
    } catch (ClosedSelectorException closed) {
      throw new AsynchronousCloseException();
    }
    if (!channel.isOpen()) {
      throw new AsynchronousCloseException();
    }
  }

  /** Closes the socket; a blocked {@link #read} ends with an exception. Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
    if (readable != null) {
      try {
        readable.close(); // wakes a read waiting on it
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
