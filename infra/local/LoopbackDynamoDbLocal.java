/*
 * Starts DynamoDB Local bound to 127.0.0.1 only (its own launcher listens on every interface)
 * and stops it when standard input closes, so it never outlives the local cloud that started it.
 * Compiled once by the local cloud (infra/local/dynamodb-local.ts) against DynamoDBLocal.jar.
 */
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    var proxy = ServerRunner.createServerFromCommandLineArgs(args);
    var field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    for (var connector : ((Server) field.get(proxy)).getConnectors()) {
      if (connector instanceof ServerConnector serverConnector) serverConnector.setHost("127.0.0.1");
    }
    proxy.start();
    while (System.in.read() != -1) { }
    System.exit(0);
  }
}
