// LoopbackRunner — start Amazon DynamoDB Local listening on 127.0.0.1 only.
// DynamoDB Local's own ServerRunner has no bind-address option and listens
// on every interface; this builds the same server from the same command line
// and sets its Jetty connector's host before starting it.
import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackRunner {
	public static void main(String[] args) throws Exception {
		String host = System.getProperty("quake.host", "127.0.0.1");
		DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
		Field f = DynamoDBProxyServer.class.getDeclaredField("server");
		f.setAccessible(true);
		Server server = (Server) f.get(proxy);
		for (Connector c : server.getConnectors())
			((ServerConnector) c).setHost(host);
		proxy.start();
		System.out.println("DynamoDB Local listening on " + host);
		proxy.join();
	}
}
