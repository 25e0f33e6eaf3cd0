package io.profilestream.segments;

/**
 * Where in a rule's text a problem is.
 *
 * @param offset the offset in code points from the start of the expression, from 0
 * @param line   the line, from 1
 * @param column the column in code points, from 1
 */
public record ExpressionPosition(int offset, int line, int column) {

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
