import MnemoCore
import Testing

/// Command lines are split as a POSIX shell splits words, refuse what only a shell could do, and
/// know their placeholders and the files they name.
@Suite struct CommandTemplateTests {
    @Test func wordsSplitLikeAShellWithQuotesAndEscapes() throws {
        let template = try CommandTemplate(
            parsing: #"python3  "my dir/train.py" --name 'a b' --x "q\"d" plain\ space --empty '' {out}"#)
        #expect(template.words == ["python3", "my dir/train.py", "--name", "a b", "--x", "q\"d", "plain space", "--empty", "", "{out}"])
        #expect(template.scriptFiles == ["my dir/train.py"])
        #expect(template.usedPlaceholders == ["out"])
    }

    @Test func placeholdersAreFilledOnceAndLeftAloneInValues() throws {
        let template = try CommandTemplate(parsing: "run --out={out}/x --seed {seed} --gpu {gpu}")
        #expect(template.expanded(["out": "/t/{seed}", "seed": "7", "gpu": ""]) == ["run", "--out=/t/{seed}/x", "--seed", "7", "--gpu", ""])
    }

    @Test(arguments: [
        ("python3 t.py | tee log", "pipes"),
        ("python3 t.py > log", "redirections"),
        ("python3 t.py; rm -rf /", "lists"),
        ("python3 $HOME/t.py", "variables"),
        ("python3 \"$HOME/t.py\"", "variables"),
        ("python3 `which t`", "command substitution"),
        ("python3 *.py", "globs"),
        ("python3 'unterminated", "unterminated single quote"),
        ("python3 \"unterminated", "unterminated double quote"),
        ("python3 t.py {output}", "unknown placeholder {output}"),
        ("python3 t.py {out", "an unclosed '{'"),
        ("python3 t.py '{\"lr\": 0.1}'", "unknown placeholder {\"lr\": 0.1}"),
        ("   ", "an empty command"),
    ])
    func whatOnlyAShellCouldDoIsRefused(command: String, problem: String) {
        #expect(throws: CommandTemplate.ParseError.self) { try CommandTemplate(parsing: command) }
        do {
            _ = try CommandTemplate(parsing: command)
        } catch {
            #expect(error.description.contains(problem), "\(error.description)")
        }
    }

    @Test func quotedShellCharactersPassLiterally() throws {
        #expect(try CommandTemplate(parsing: "python3 t.py --glob '*.png' --pipe '|'").words.suffix(3) == ["*.png", "--pipe", "|"])
    }

    @Test func theFilesACommandNamesAreItsScriptsAndConfigurations() throws {
        let template = try CommandTemplate(
            parsing: "./run.sh python3 train.py --config=conf/a.yaml --data-root /scratch/set -m pkg.train --out runs/x {data} notes.json")
        #expect(template.scriptFiles == ["./run.sh", "train.py"])
        #expect(template.configFiles == ["conf/a.yaml", "notes.json"])
        // An absolute program is an interpreter: not a script of the sweep.
        #expect(try CommandTemplate(parsing: "/usr/bin/python3 /opt/code/train.py").scriptFiles == ["/opt/code/train.py"])
        #expect(try CommandTemplate(parsing: "bash -c 'cd /opt && make'").scriptFiles.isEmpty)
    }

    @Test func doubledBracesAreLiteral() throws {
        let template = try CommandTemplate(parsing: #"python3 t.py --cfg '{{"lr": 0.1}}' --out {out}"#)
        #expect(template.expanded(["out": "/o"]) == ["python3", "t.py", "--cfg", #"{"lr": 0.1}"#, "--out", "/o"])
        #expect(template.usedPlaceholders == ["out"])
    }
}
