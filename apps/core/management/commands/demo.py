from django.core.management.base import BaseCommand, CommandError

from apps.core.demo import DEMO_PASSWORD, DEMO_USERS, PlacesMissing, load_demo


class Command(BaseCommand):
    help = "Load the Krông Bông demo (villages, organisations, users) and print the demo logins."

    def handle(self, *args, **options) -> None:
        try:
            created = load_demo()
        except PlacesMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Demo Krông Bông: {created['villages']} villages and {created['organisations']} "
            "organisations created (0 when already loaded)."
        )
        self.stdout.write("Tài khoản demo / demo logins (mật khẩu / password: "
                          f"{DEMO_PASSWORD}):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.username:<10} {user.description}")
