// EPUBCheck for many books in one JVM: the test suite and CI check about
// thirty EPUBs, and starting EPUBCheck (the JVM, its classes and schemas)
// was most of each check: 4.5 s of CPU for the essay, which a started
// checker validates in 0.1 s.
//
// Run from source (Java 11+): java -cp epubcheck.jar EpubCheckServer.java
// Each line read is "BOOK.epub<TAB>REPORT.json"; EPUBCheck writes its JSON
// report there and the line answered is its exit code (0 when the book has
// no errors), or -1 when it failed to run. EPUBCheck's own console output
// goes to stderr, so the answers stay on stdout alone.

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckServer {
    public static void main(String[] args) throws IOException {
        PrintStream answers = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader requests =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = requests.readLine()) != null; ) {
            String[] paths = line.split("\t", 2);
            int code;
            if (paths.length != 2) {
                code = -1;
            } else {
                try {
                    code = new com.adobe.epubcheck.tool.EpubChecker()
                            .run(new String[] {paths[0], "--json", paths[1]});
                } catch (RuntimeException | Error e) {
                    e.printStackTrace();
                    code = -1;
                }
            }
            answers.println(code);
        }
    }
}
