import type { CommandNode, StatementNode } from "just-bash";

/**
 * The statement lists a compound command holds (an if's conditions and branches, a loop's
 * condition and body, a group's, a case's items, a function's body), for transforms of a
 * script that walk into them; none for a simple command.
 */
export function bodiesOf(command: CommandNode): StatementNode[][] {
  switch (command.type) {
    case "If":
      return [
        ...command.clauses.flatMap((c) => [c.condition, c.body]),
        ...(command.elseBody ? [command.elseBody] : []),
      ];
    case "For":
    case "CStyleFor":
    case "Subshell":
    case "Group":
      return [command.body];
    case "While":
    case "Until":
      return [command.condition, command.body];
    case "Case":
      return command.items.map((i) => i.body);
    case "FunctionDef":
      return bodiesOf(command.body);
    default:
      return [];
  }
}
