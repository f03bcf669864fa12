/**
 * The board: FATE-Board's job in the node. {@link io.fedflow.node.board.Board} mounts static pages (HTML and
 * JavaScript from the node jar, ECharts from its WebJar) and thin JSON adapters over the domain's services
 * (jobs, tracking, data, models, federation) under {@code /board/api}; it holds no state of its own beyond
 * sessions and writes no SQL.
 */
package io.fedflow.node.board;
