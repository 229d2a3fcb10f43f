// Pulumi policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`).
import { PolicyPack } from "@pulumi/policy";
import { parentTypeFromUrn, rules } from "./rules";

new PolicyPack("webhooks", {
  policies: rules.map((rule) => ({
    name: rule.name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
      for (const message of rule.check({ type: args.type, name: args.name, parentType: parentTypeFromUrn(args.urn, args.type), props: args.props })) {
        reportViolation(message);
      }
    },
  })),
});
