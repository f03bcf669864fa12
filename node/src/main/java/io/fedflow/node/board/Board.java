package io.fedflow.node.board;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import io.fedflow.node.server.ErrorMapper;
import io.fedflow.node.server.FlowServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * The board (FATE-Board's pages, built into the node) on the client port: static pages from the node jar
 * under {@code /board/}, ECharts from its WebJar under {@code /board/lib/echarts/}, and the JSON the pages
 * read under {@code /board/api/}. The pages read nothing but that JSON, which answers FATE's envelope.
 */
public final class Board implements FlowServer.Mount {
    static final String PREFIX = "/board";
    private static final String ECHARTS_POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private final List<Object> apis;
    private final BoardAccess access;

    /**
     * @param apis   annotated services (Armeria's {@code @Get}/{@code @Post}) answering under /board/api
     * @param access the guard in front of every one of them (sessions, CSRF, cross-site requests)
     */
    public Board(List<Object> apis, BoardAccess access) {
        this.apis = List.copyOf(apis);
        this.access = access;
    }

    @Override
    public void mountOn(ServerBuilder sb) {
        ClassLoader loader = Board.class.getClassLoader();
        for (Object api : apis) {
            sb.annotatedService().pathPrefix(PREFIX + "/api")
                    .exceptionHandlers((ctx, req, cause) -> ErrorMapper.jsonAnswer(cause))
                    .build(api);
        }
        // the pages themselves hold no data and load without a session; what they read is guarded here
        sb.decoratorUnder(PREFIX + "/api/", access);
        sb.serviceUnder(PREFIX + "/lib/echarts/", FileService.builder(loader,
                "META-INF/resources/webjars/echarts/" + echartsVersion(loader) + "/dist").build());
        sb.service(PREFIX, (ctx, req) -> HttpResponse.ofRedirect(HttpStatus.MOVED_PERMANENTLY, PREFIX + "/"));
        sb.serviceUnder(PREFIX + "/", FileService.builder(loader, "board").build());
    }

    /** The WebJar's own version, so that the pom is the one place naming it. */
    static String echartsVersion(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(ECHARTS_POM)) {
            if (in == null) {
                throw new IllegalStateException("the ECharts WebJar is not on the class path (" + ECHARTS_POM + ")");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
