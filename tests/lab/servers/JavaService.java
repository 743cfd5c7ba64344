// The lab's JVM service: plain java.net sockets, a thread per connection, HTTP/1.1 with
// keep-alive, and java.util.logging with its default format (a header line, then
// "LEVEL: message" and the stack trace) writing to a FileHandler.
//
// Paths: /ok (small response), /big?size=N&chunk=C&pace=MS (N bytes in writes of C bytes,
// MS ms apart), /call?port=P (calls a backend at 127.0.0.1:P: a closed port is refused).
// Failures are logged as services log them: logger.log(level, message, exception).
//
// Usage: java -cp DIR lab.JavaService --log FILE --port-file FILE
package lab;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

public final class JavaService {
  private static final Logger LOG = Logger.getLogger("lab.JavaService");

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) opts.put(args[i], args[i + 1]);
    FileHandler file = new FileHandler(opts.get("--log"), true);
    file.setFormatter(new SimpleFormatter());
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) root.removeHandler(h);
    root.addHandler(file);

    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    LOG.info("listening on 127.0.0.1:" + server.getLocalPort());
    // Written, then renamed into place: a reader never sees a half-written port.
    Path port = Path.of(opts.get("--port-file"));
    Path tmp = Path.of(opts.get("--port-file") + ".tmp");
    Files.writeString(tmp, Integer.toString(server.getLocalPort()));
    Files.move(tmp, port, StandardCopyOption.ATOMIC_MOVE);
    while (true) {
      Socket s = server.accept();
      Thread t = new Thread(() -> serve(s), "conn-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private static void serve(Socket s) {
    String peer = s.getRemoteSocketAddress().toString();
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        Request request;
        try {
          request = readRequest(in);
        } catch (IOException e) {
          LOG.log(Level.WARNING, "Read failed from " + peer, e);
          return;
        }
        if (request == null) return;  // the client closed between requests
        if (!route(request.target, peer, out) || request.close) return;
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Connection from " + peer + " failed", e);
    }
  }

  private record Request(String target, boolean close) {}

  // The request's target and whether the client asked to close, or null at a clean end of
  // stream before a request.
  private static Request readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null) return null;
    boolean close = requestLine.endsWith("HTTP/1.0");
    while (true) {
      String header = readLine(in);
      if (header == null) throw new IOException("end of stream inside the request headers");
      if (header.isEmpty()) break;
      close |= header.equalsIgnoreCase("Connection: close");
    }
    String[] parts = requestLine.split(" ");
    return new Request(parts.length > 1 ? parts[1] : "/", close);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') return line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
      line.write(c);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  // Returns false when the connection is finished.
  private static boolean route(String target, String peer, OutputStream out) throws IOException {
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    Map<String, String> q = query(target);
    switch (path) {
      case "/ok":
        respond(out, 200, "ok\n");
        return true;
      case "/big":
        return big(out, peer, Long.parseLong(q.getOrDefault("size", "1048576")),
            Integer.parseInt(q.getOrDefault("chunk", "65536")),
            Integer.parseInt(q.getOrDefault("pace", "0")));
      case "/call":
        call(out, Integer.parseInt(q.get("port")));
        return true;
      default:
        respond(out, 404, "not found\n");
        return true;
    }
  }

  private static boolean big(OutputStream out, String peer, long size, int chunk, int paceMs) {
    long sent = 0;
    byte[] block = new byte[chunk];
    java.util.Arrays.fill(block, (byte) 'x');
    try {
      out.write(header(200, size));
      while (sent < size) {
        int n = (int) Math.min(chunk, size - sent);
        out.write(block, 0, n);
        out.flush();
        sent += n;
        if (paceMs > 0 && sent < size) Thread.sleep(paceMs);
      }
      return true;
    } catch (IOException e) {
      LOG.log(Level.WARNING,
          "Failed to write response to " + peer + " (" + sent + " of " + size + " bytes)", e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void call(OutputStream out, int port) throws IOException {
    try (Socket backend = new Socket()) {
      backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      respond(out, 200, "backend ok\n");
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "backend call to 127.0.0.1:" + port + " failed", e);
      respond(out, 502, "backend down\n");
    }
  }

  private static byte[] header(int status, long length) {
    String reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Gateway";
    return ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\n"
            + "Content-Length: " + length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void respond(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(header(status, b.length));
    out.write(b);
    out.flush();
  }

  private static Map<String, String> query(String target) {
    Map<String, String> q = new HashMap<>();
    int at = target.indexOf('?');
    if (at < 0) return q;
    for (String kv : target.substring(at + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) q.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return q;
  }
}
